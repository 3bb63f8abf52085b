"""The operator accepts or rejects a customer's cancel: accepting a manual order's cancel
refunds it once through the status path; each decision is recorded; a decided request is left
alone."""

from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.cancels import accept_cancel, reject_cancel, request_cancel
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import CancelStatus, OrderStatus
from smmpanel.orders.placement import place_order
from tests.factories import make_account, make_service
from tests.orders.operators import operator

pytestmark = pytest.mark.django_db


def cancel_of(fulfilment: str = Fulfilment.MANUAL):
    account, _ = make_account("10")
    order = place_order(
        account=account,
        service=make_service(cancel=True, fulfilment=fulfilment),
        params={"link": "https://x.com/p", "quantity": "1000"},
    )
    return request_cancel(account=account, order=order)


def test_accept_cancel_cancels_the_order_and_refunds_it_exactly_once():
    cancel = cancel_of()
    accepted = accept_cancel(cancel_id=cancel.pk, acting_user=operator())
    assert accepted.status == CancelStatus.ACCEPTED
    assert accepted.order.status == OrderStatus.CANCELED
    # Again, by another operator at once: nothing more is refunded or recorded.
    again = accept_cancel(cancel_id=cancel.pk, acting_user=operator("bob"))
    assert again.status == CancelStatus.ACCEPTED
    refunds = LedgerEntry.objects.filter(order_id=cancel.order_id, kind="refund")
    assert [entry.amount for entry in refunds] == [Decimal("0.9")]
    assert ledger.audit() == []
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name) == ("cancel.accept", "alice")
    assert (entry.object_type, entry.object_id) == ("orders.cancelrequest", str(cancel.pk))
    assert entry.before == {"status": "Pending", "order_status": "Pending"}
    assert entry.after == {"status": "Accepted", "order_status": "Canceled"}


def test_an_automatic_orders_cancel_is_left_to_its_fulfilment():
    cancel = cancel_of(Fulfilment.SIMULATED)
    with pytest.raises(OrderError) as refused:
        accept_cancel(cancel_id=cancel.pk, acting_user=operator())
    assert refused.value.code == OrderErrorCode.CANCEL_BY_FULFILMENT
    cancel.refresh_from_db()
    assert cancel.status == CancelStatus.PENDING
    assert not LedgerEntry.objects.filter(order_id=cancel.order_id, kind="refund").exists()
    assert not AuditEntry.objects.exists()


def test_reject_cancel_leaves_the_order_going_and_records_it():
    cancel = cancel_of()
    rejected = reject_cancel(cancel_id=cancel.pk, acting_user=operator())
    assert rejected.status == CancelStatus.REJECTED
    assert rejected.order.status == OrderStatus.PENDING
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name) == ("cancel.reject", "alice")
    assert entry.before == {"status": "Pending", "order_status": "Pending"}
    assert entry.after == {"status": "Rejected", "order_status": "Pending"}


def test_a_decided_cancel_is_left_alone_without_an_entry():
    cancel = cancel_of()
    reject_cancel(cancel_id=cancel.pk, acting_user=operator())
    accepted = accept_cancel(cancel_id=cancel.pk, acting_user=operator())
    assert accepted.status == CancelStatus.REJECTED
    assert accepted.order.status == OrderStatus.PENDING
    assert reject_cancel(cancel_id=cancel.pk, acting_user=operator()).status == "Rejected"
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["cancel.reject"]
