"""The admin's order pages are read-only (operators work on orders in the back-office), except the
outcome of a Service product's order, which goes through `set_product_order_status`: recorded,
and its refund settled exactly once."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Product
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
from tests.backoffice.pages import change_url, changelist_url, form_data, messages_of
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


def test_an_order_is_read_only_here(admin_client):
    account, _ = make_account("10")
    order = order_of(account)
    page = admin_client.get(change_url(order))
    assert page.context["adminform"].form.fields == {}
    assert 'name="_save"' not in page.content.decode()
    response = admin_client.post(
        change_url(order), {"status": OrderStatus.PARTIAL, "remains": "30", "_save": "Save"}
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert (order.status, order.remains) == (OrderStatus.PENDING, 100)
    assert refunds_of(order) == []
    assert balance_of(account) == Decimal("9")
    assert not LogEntry.objects.exists()


def test_the_admin_neither_adds_nor_deletes_orders(admin_client):
    account, _ = make_account("10")
    order = order_of(account)
    assert admin_client.get(f"{changelist_url(Order)}add/").status_code == 403
    assert admin_client.post(f"{change_url(order)}delete/", {"post": "yes"}).status_code == 403
    assert Order.objects.filter(pk=order.pk).exists()


def test_refills_and_cancel_requests_are_read_only_here(admin_client):
    account, _ = make_account("10")
    done = apply_status(order_id=order_of(account, refill=True).pk, status="Completed", remains=0)
    refill = request_refill(account=account, order=done)
    cancel = request_cancel(account=account, order=order_of(account, cancel=True))
    for obj, model in ((refill, Refill), (cancel, CancelRequest)):
        listed = admin_client.get(changelist_url(model), {"q": str(obj.order_id)})
        assert list(listed.context["cl"].result_list) == [obj]
        assert 'name="action"' not in listed.content.decode()
        response = admin_client.post(change_url(obj), {"status": "Rejected", "_save": "Save"})
        assert response.status_code == 403
    refill.refresh_from_db()
    cancel.refresh_from_db()
    assert (refill.status, cancel.status) == (RefillStatus.PENDING, CancelStatus.PENDING)


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
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name, entry.after["status"]) == (
        "product_order.status",
        "admin",
        OrderStatus.PARTIAL,
    )

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
