"""Bulk actions on orders: each order through apply_status, refunds exactly once, every change
audited with its before and after, refusals reported per order."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.fulfilment import actions as fulfilment_actions
from smmpanel.orders import actions as order_actions
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.status import apply_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def status_calls(monkeypatch) -> list[dict]:
    """Every call the back-office makes to the core's status path."""
    calls: list[dict] = []

    def spy(**kwargs):
        calls.append(kwargs)
        return apply_status(**kwargs)

    monkeypatch.setattr(order_actions, "apply_status", spy)
    monkeypatch.setattr(fulfilment_actions, "apply_status", spy)
    return calls


def bulk(client, orders, action, **extra):
    return client.post(
        reverse("backoffice:order_bulk"),
        {"order": [order.pk for order in orders], "action": action, **extra},
    )


def balance(shop) -> Decimal:
    shop["account"].refresh_from_db()
    return shop["account"].balance


def refunds(order) -> list[Decimal]:
    return list(
        LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.REFUND).values_list(
            "amount", flat=True
        )
    )


def test_cancel_and_refund_refunds_each_order_once_through_apply_status(
    admin_op, shop, status_calls
):
    first, second, _third = shop["orders"]
    before = balance(shop)
    response = bulk(admin_op, [first, second], "cancel")
    assert response.status_code == 302
    shown = admin_op.get(response["Location"]).content.decode()
    # The refund reads as every amount of the back-office does (it read "0.90000").
    assert "now Canceled, refunded 0.90 USD" in shown
    assert [call["order_id"] for call in status_calls] == [first.pk, second.pk]
    assert {call["status"] for call in status_calls} == {OrderStatus.CANCELED}
    assert balance(shop) == before + Decimal("1.8")
    # Again: refused per order as already canceled; no second refund.
    bulk(admin_op, [first, second], "cancel")
    assert balance(shop) == before + Decimal("1.8")
    assert refunds(first) == [Decimal("0.9")]
    assert ledger.audit() == []
    entries = AuditEntry.objects.filter(action="order.cancel").order_by("object_id")
    assert [entry.object_id for entry in entries] == [str(first.pk), str(second.pk)]
    assert entries[0].before["status"] == "Pending" and entries[0].before["refund"] is None
    assert entries[0].after["status"] == "Canceled" and entries[0].after["refund"] == "0.90000"
    assert entries[0].actor_name == "alice" and entries[0].ip == "127.0.0.1"


def test_partial_with_remains_refunds_the_undelivered_part(admin_op, shop, status_calls):
    order = shop["orders"][0]
    before = balance(shop)
    bulk(admin_op, [order], "partial", remains="250")
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL and order.remains == 250
    assert status_calls == [{"order_id": order.pk, "status": "Partial", "remains": 250}]
    assert balance(shop) == before + Decimal("0.225")
    assert ledger.audit() == []


def test_partial_needs_remains_and_refuses_more_than_the_quantity(admin_op, shop, status_calls):
    order = shop["orders"][0]
    response = bulk(admin_op, [order], "partial")
    assert response.status_code == 302
    bulk(admin_op, [order], "partial", remains="5000")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert status_calls == []
    assert not AuditEntry.objects.exists()


def test_set_status_on_a_mix_reports_the_final_order_and_changes_the_others(
    admin_op, shop, status_calls
):
    done, open_one, _ = shop["orders"]
    apply_status(order_id=done.pk, status=OrderStatus.COMPLETED, remains=0)
    response = admin_op.post(
        reverse("backoffice:order_bulk"),
        {"order": [done.pk, open_one.pk], "action": "set_status", "status": "In progress"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    report = {outcome.order_id: outcome for outcome in response.context["report"]}
    assert not report[done.pk].ok and "finished" in report[done.pk].message
    assert report[open_one.pk].ok
    body = response.content.decode()
    assert 'id="orders-area"' in body and f"Order {done.pk}: " in body
    done.refresh_from_db()
    open_one.refresh_from_db()
    assert done.status == OrderStatus.COMPLETED
    assert open_one.status == OrderStatus.IN_PROGRESS
    assert AuditEntry.objects.filter(object_id=str(done.pk)).count() == 0
    assert AuditEntry.objects.get(object_id=str(open_one.pk)).after["status"] == "In progress"


def test_set_status_completed_finishes_with_nothing_to_refund(admin_op, shop, status_calls):
    order = shop["orders"][0]
    before = balance(shop)
    bulk(admin_op, [order], "set_status", status="Completed")
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED and order.remains == 0
    assert balance(shop) == before
    assert ledger.audit() == []


def test_a_status_outside_the_orders_vocabulary_is_refused(admin_op, shop, status_calls):
    order = shop["orders"][0]
    bulk(admin_op, [order], "set_status", status="Active")
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not AuditEntry.objects.exists()


def test_resend_makes_an_automatic_order_due_and_refuses_a_manual_one(admin_op, shop):
    auto, manual = shop["auto"], shop["orders"][0]
    Order.objects.filter(pk=auto.pk).update(next_attempt_at=None)
    bulk(admin_op, [auto, manual], "resend")
    auto.refresh_from_db()
    manual.refresh_from_db()
    assert auto.next_attempt_at is not None and auto.status == OrderStatus.PENDING
    assert manual.next_attempt_at is None
    assert list(AuditEntry.objects.values_list("action", "object_id")) == [
        ("order.resend", str(auto.pk))
    ]


def test_support_may_cancel_and_refund(support_op, shop, status_calls):
    order = shop["orders"][0]
    before = balance(shop)
    bulk(support_op, [order], "cancel")
    assert balance(shop) == before + Decimal("0.9")
    assert AuditEntry.objects.get().actor_name == "sam"


def test_orders_page_filters_by_status_service_user_and_date(admin_op, shop):
    apply_status(order_id=shop["orders"][0].pk, status=OrderStatus.COMPLETED, remains=0)
    url = reverse("backoffice:orders")

    def ids(**params):
        page = admin_op.get(url, params).context["page"]
        return sorted(order.pk for order in page)

    assert ids(status="Completed") == [shop["orders"][0].pk]
    assert ids(service=shop["simulated"].pk) == [shop["auto"].pk]
    assert ids(user="buyer") == sorted([o.pk for o in shop["orders"]] + [shop["auto"].pk])
    assert ids(user="nobody") == []
    assert ids(date_from="2999-01-01") == []
    assert ids(q=str(shop["orders"][1].pk)) == [shop["orders"][1].pk]
    assert ids(q="x.com/a") == [shop["auto"].pk]


def test_order_page_shows_what_the_order_carries_and_acts_on_it(admin_op, support_op):
    from smmpanel.catalog.order_types import OrderType
    from smmpanel.orders.placement import place_order
    from tests.factories import make_account, make_service

    account, _ = make_account("50")
    comments = make_service(type=OrderType.CUSTOM_COMMENTS, rate=Decimal("10"), min_quantity=1)
    text = "Nice 😍😍😍 <script>alert(1)</script>\n" + "🔥" * 200
    order = place_order(
        account=account,
        service=comments,
        params={"link": "https://x.com/p", "comments": text},
    )
    url = reverse("backoffice:order", args=[order.pk])
    page = admin_op.get(url).content.decode()
    assert "🔥" * 200 in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert support_op.get(url).status_code == 200
    response = admin_op.post(
        reverse("backoffice:order_bulk"),
        {"order": [order.pk], "action": "partial", "remains": "1", "next": url},
    )
    assert response["Location"] == url
    order.refresh_from_db()
    assert order.status == OrderStatus.PARTIAL
    assert "order.partial" in admin_op.get(url).content.decode()
