"""The operator's order pages: what they report goes through `apply_status` (and friends), which
settle refunds exactly once."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.models import Fulfilment, Product
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import (
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
    ProductOrder,
    Refill,
    RefillStatus,
)
from smmpanel.orders.placement import place_order
from smmpanel.orders.product_orders import place_product_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.backoffice.pages import change_url, changelist_url, form_data, messages_of, run_action
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db

_links = iter(range(1, 10**6))


def order_of(account: Account, **service_overrides) -> Order:
    """A 100-unit order costing 1.00 (rate 10 per 1000)."""
    service = make_service(rate=Decimal("10"), **service_overrides)
    params = {"link": f"https://x.com/{next(_links)}", "quantity": "100"}
    return place_order(account=account, service=service, params=params)


def refunds_of(order: Order | ProductOrder) -> list[Decimal]:
    field = "order" if isinstance(order, Order) else "product_order"
    return list(
        LedgerEntry.objects.filter(kind="refund", **{field: order}).values_list("amount", flat=True)
    )


def balance_of(account: Account) -> Decimal:
    account.refresh_from_db()
    return account.balance


def test_partial_through_the_change_form_refunds_the_undelivered_part_once(admin_client):
    account, _ = make_account("10")
    order = order_of(account)
    data = form_data(admin_client, change_url(order))
    data.update({"status": OrderStatus.PARTIAL, "start_count": "500", "remains": "30"})

    response = admin_client.post(change_url(order), data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.start_count, order.remains) == ("Partial", 500, 30)
    assert order.completed_at is not None
    assert refunds_of(order) == [Decimal("0.3")]
    assert balance_of(account) == Decimal("9.3")

    # Saving the same form again changes nothing and refunds nothing more.
    assert admin_client.post(change_url(order), data).status_code == 302
    assert refunds_of(order) == [Decimal("0.3")]
    assert balance_of(account) == Decimal("9.3")


def test_a_stale_form_can_not_change_a_finished_order(admin_client):
    account, _ = make_account("10")
    order = order_of(account)
    data = form_data(admin_client, change_url(order))
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=30)

    # Same status, other remains: the final order keeps its refund, and the operator is told.
    stale = {**data, "status": OrderStatus.PARTIAL, "remains": "80"}
    response = admin_client.post(change_url(order), stale)
    assert response.status_code == 302
    assert response.url == change_url(order)
    assert any("can't take remains = 80" in message for message in messages_of(response))
    order.refresh_from_db()
    assert order.remains == 30
    assert refunds_of(order) == [Decimal("0.3")]


def test_changing_a_final_status_shows_an_error_not_a_500(admin_client):
    account, _ = make_account("10")
    order = order_of(account)
    data = form_data(admin_client, change_url(order))
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)

    response = admin_client.post(change_url(order), {**data, "status": OrderStatus.CANCELED})
    assert response.status_code == 302
    assert messages_of(response) == ["The order is already finished; nothing was saved."]
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert refunds_of(order) == []
    assert admin_client.get(response.url).status_code == 200


def test_the_change_form_does_not_log_a_refused_change(admin_client):
    account, _ = make_account("10")
    order = order_of(account)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    data = form_data(admin_client, change_url(order))
    admin_client.post(change_url(order), {**data, "status": OrderStatus.CANCELED})
    assert not LogEntry.objects.filter(object_id=str(order.pk)).exists()


def test_only_manual_orders_take_a_status_from_the_operator(admin_client):
    account, _ = make_account("10")
    order = order_of(account, fulfilment=Fulfilment.SIMULATED)
    data = form_data(admin_client, change_url(order))
    assert "status" not in data
    response = admin_client.post(
        change_url(order), {**data, "status": OrderStatus.CANCELED, "remains": "100"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert refunds_of(order) == []


def test_the_admin_neither_adds_nor_deletes_orders(admin_client):
    account, _ = make_account("10")
    order = order_of(account)
    assert admin_client.get(f"{changelist_url(Order)}add/").status_code == 403
    assert admin_client.post(f"{change_url(order)}delete/", {"post": "yes"}).status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()


def test_bulk_cancel_refunds_manual_orders_and_skips_the_others(admin_client):
    account, _ = make_account("10")
    manual = order_of(account)
    simulated = order_of(account, fulfilment=Fulfilment.SIMULATED)
    response = run_action(admin_client, Order, "cancel_and_refund", [manual, simulated])
    assert response.status_code == 302
    manual.refresh_from_db()
    simulated.refresh_from_db()
    assert (manual.status, simulated.status) == (OrderStatus.CANCELED, OrderStatus.PENDING)
    assert refunds_of(manual) == [Decimal("1")]
    assert refunds_of(simulated) == []
    assert any("not a manual order" in message for message in messages_of(response))

    # Running it again refunds nothing more.
    run_action(admin_client, Order, "cancel_and_refund", [manual])
    assert refunds_of(manual) == [Decimal("1")]
    assert balance_of(account) == Decimal("9")


def test_bulk_mark_completed(admin_client):
    account, _ = make_account("10")
    orders = [order_of(account), order_of(account)]
    canceled = order_of(account)
    apply_status(order_id=canceled.pk, status=OrderStatus.CANCELED)
    response = run_action(admin_client, Order, "mark_completed", [*orders, canceled])
    for order in orders:
        order.refresh_from_db()
        assert (order.status, order.remains) == (OrderStatus.COMPLETED, 0)
        assert refunds_of(order) == []
    canceled.refresh_from_db()
    assert canceled.status == OrderStatus.CANCELED
    assert any("already finished" in message for message in messages_of(response))


# Refills and cancel requests


def test_refill_actions_set_the_status_and_keep_a_finished_outcome(admin_client):
    account, _ = make_account("10")
    order = order_of(account, refill=True)
    order = apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    refill = request_refill(account=account, order=order)

    run_action(admin_client, Refill, "mark_in_progress", [refill])
    refill.refresh_from_db()
    assert refill.status == RefillStatus.IN_PROGRESS
    run_action(admin_client, Refill, "mark_completed", [refill])
    refill.refresh_from_db()
    assert refill.status == RefillStatus.COMPLETED
    response = run_action(admin_client, Refill, "mark_rejected", [refill])
    refill.refresh_from_db()
    assert refill.status == RefillStatus.COMPLETED
    assert any("not changed" in message for message in messages_of(response))


def test_accepting_a_cancel_cancels_and_refunds_the_order(admin_client):
    account, _ = make_account("10")
    order = order_of(account, cancel=True)
    cancel = request_cancel(account=account, order=order)
    run_action(admin_client, CancelRequest, "accept", [cancel])
    order.refresh_from_db()
    cancel.refresh_from_db()
    assert (order.status, cancel.status) == (OrderStatus.CANCELED, CancelStatus.ACCEPTED)
    assert refunds_of(order) == [Decimal("1")]


def test_rejecting_a_cancel_leaves_the_order(admin_client):
    account, _ = make_account("10")
    order = order_of(account, cancel=True)
    cancel = request_cancel(account=account, order=order)
    run_action(admin_client, CancelRequest, "reject", [cancel])
    response = run_action(admin_client, CancelRequest, "accept", [cancel])
    order.refresh_from_db()
    cancel.refresh_from_db()
    assert (order.status, cancel.status) == (OrderStatus.PENDING, CancelStatus.REJECTED)
    assert refunds_of(order) == []
    assert any("already Rejected" in message for message in messages_of(response))


def test_accepting_a_cancel_of_an_automatic_order_is_left_to_its_fulfilment(admin_client):
    account, _ = make_account("10")
    order = order_of(account, cancel=True, fulfilment=Fulfilment.SIMULATED)
    cancel = request_cancel(account=account, order=order)
    response = run_action(admin_client, CancelRequest, "accept", [cancel])
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert any("fulfilment handles the cancel" in message for message in messages_of(response))


# Product orders


def test_service_product_order_outcome_refunds_the_undelivered_part_once(admin_client):
    account, _ = make_account("20")
    product = make_product(type=Product.Type.SERVICE, rate=Decimal("2.5"))
    order = place_product_order(account=account, product=product, quantity="4")
    data = form_data(admin_client, change_url(order))
    data.update({"status": OrderStatus.PARTIAL, "remains": "1", "result": "acc-1\nacc-2\nacc-3"})
    assert admin_client.post(change_url(order), data).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.PARTIAL, 1)
    assert order.result.splitlines() == ["acc-1", "acc-2", "acc-3"]
    assert refunds_of(order) == [Decimal("2.5")]

    assert admin_client.post(change_url(order), data).status_code == 302
    admin_client.get(changelist_url(ProductOrder))  # shows (and so clears) the messages so far
    response = admin_client.post(change_url(order), {**data, "status": OrderStatus.CANCELED})
    assert messages_of(response) == ["The order is already finished; nothing was saved."]
    assert refunds_of(order) == [Decimal("2.5")]
    assert balance_of(account) == Decimal("12.5")
    assert "acc-2" in admin_client.get(change_url(order)).content.decode()


def test_auto_product_orders_are_read_only(admin_client):
    account, _ = make_account("20")
    product = make_product(stock=2)
    order = place_product_order(account=account, product=product, quantity="2")
    data = form_data(admin_client, change_url(order))
    assert "status" not in data
    admin_client.post(change_url(order), {**data, "status": OrderStatus.CANCELED})
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert refunds_of(order) == []
