"""The operator sets an order's status or ends it Partial: through the status path, refunded
once, recorded with before and after; nothing recorded when nothing changes."""

from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.orders.actions import set_order_status, set_partial
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_service
from tests.orders.operators import operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    account, _ = make_account("10")
    return place_order(
        account=account,
        service=make_service(),
        params={"link": "https://x.com/p", "quantity": "1000"},
    )


def test_set_order_status_records_who_and_before_and_after(order):
    changed = set_order_status(
        order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=40, acting_user=operator()
    )
    assert (changed.status, changed.start_count) == (OrderStatus.IN_PROGRESS, 40)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name, entry.ip) == ("order.set_status", "alice", "192.0.2.7")
    assert (entry.object_type, entry.object_id) == ("orders.order", str(order.pk))
    assert entry.summary == "set_status In progress"
    assert entry.before["status"] == "Pending" and entry.before["start_count"] is None
    assert entry.after["status"] == "In progress" and entry.after["start_count"] == 40
    assert entry.before["refund"] is None and entry.after["refund"] is None


def test_setting_the_status_an_order_has_writes_no_entry(order):
    set_order_status(order_id=order.pk, status=OrderStatus.PENDING, acting_user=operator())
    assert not AuditEntry.objects.exists()


def test_completed_means_nothing_remains_and_refunds_nothing(order):
    changed = set_order_status(
        order_id=order.pk, status=OrderStatus.COMPLETED, acting_user=operator()
    )
    assert (changed.status, changed.remains) == (OrderStatus.COMPLETED, 0)
    assert not LedgerEntry.objects.filter(order=order, kind="refund").exists()
    set_order_status(order_id=order.pk, status=OrderStatus.COMPLETED, acting_user=operator())
    assert AuditEntry.objects.count() == 1


def test_set_partial_refunds_the_undelivered_part_once_and_records_it(order):
    changed = set_partial(order_id=order.pk, remains=250, acting_user=operator())
    assert (changed.status, changed.remains) == (OrderStatus.PARTIAL, 250)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.summary) == ("order.partial", "partial Partial")
    assert entry.before["refund"] is None and entry.after["refund"] == "0.22500"
    # Again, even with other remains: a finished order keeps its outcome; nothing recorded.
    set_partial(order_id=order.pk, remains=100, acting_user=operator())
    order.refresh_from_db()
    assert order.remains == 250
    assert [e.amount for e in LedgerEntry.objects.filter(order=order, kind="refund")] == [
        Decimal("0.225")
    ]
    assert AuditEntry.objects.count() == 1
    assert ledger.audit() == []


def test_an_operators_remains_above_the_quantity_is_refused(order):
    for act in (
        lambda: set_partial(order_id=order.pk, remains=1001, acting_user=operator()),
        lambda: set_order_status(
            order_id=order.pk, status=OrderStatus.IN_PROGRESS, remains=1001, acting_user=operator()
        ),
    ):
        with pytest.raises(OrderError) as refused:
            act()
        assert refused.value.code == OrderErrorCode.REMAINS_ABOVE_QUANTITY
        assert refused.value.message == "Remains above the quantity 1000"
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert not AuditEntry.objects.exists()
    # A provider's report is its truth, stored as given; the refund is capped at the charge.
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=1500)
    assert LedgerEntry.objects.get(order=order, kind="refund").amount == order.charge


def test_a_finished_order_is_refused_and_nothing_is_recorded(order):
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    with pytest.raises(OrderError) as refused:
        set_order_status(order_id=order.pk, status=OrderStatus.CANCELED, acting_user=operator())
    assert refused.value.code == OrderErrorCode.ORDER_FINAL
    with pytest.raises(OrderError) as refused:
        set_order_status(order_id=order.pk, status="Active", acting_user=operator())
    assert refused.value.code == OrderErrorCode.INVALID_STATUS
    assert not AuditEntry.objects.exists()
