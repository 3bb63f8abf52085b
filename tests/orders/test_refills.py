"""The operator sets an open refill's status, recorded before and after; a finished refill
keeps its outcome and nothing is recorded."""

import pytest

from smmpanel.audit.models import AuditEntry
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import OrderStatus, RefillStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import request_refill, set_refill_status
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_service
from tests.orders.operators import operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def refill():
    account, _ = make_account("10")
    order = place_order(
        account=account,
        service=make_service(refill=True),
        params={"link": "https://x.com/p", "quantity": "1000"},
    )
    order = apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    return request_refill(account=account, order=order)


def test_set_refill_status_records_who_and_before_and_after(refill):
    changed = set_refill_status(
        refill_id=refill.pk, status=RefillStatus.IN_PROGRESS, acting_user=operator()
    )
    assert changed.status == RefillStatus.IN_PROGRESS
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name) == ("refill.status", "alice")
    assert (entry.object_type, entry.object_id) == ("orders.refill", str(refill.pk))
    assert (entry.before, entry.after) == ({"status": "Pending"}, {"status": "In progress"})


def test_the_status_a_refill_has_writes_no_entry(refill):
    set_refill_status(refill_id=refill.pk, status=RefillStatus.PENDING, acting_user=operator())
    assert not AuditEntry.objects.exists()


def test_a_finished_refill_keeps_its_outcome_and_no_entry_is_written(refill):
    set_refill_status(refill_id=refill.pk, status=RefillStatus.COMPLETED, acting_user=operator())
    kept = set_refill_status(
        refill_id=refill.pk, status=RefillStatus.REJECTED, acting_user=operator()
    )
    assert kept.status == RefillStatus.COMPLETED and kept.next_attempt_at is None
    assert AuditEntry.objects.count() == 1


def test_a_status_outside_the_refills_vocabulary_is_refused(refill):
    with pytest.raises(OrderError) as refused:
        set_refill_status(refill_id=refill.pk, status="Canceled", acting_user=operator())
    assert refused.value.code == OrderErrorCode.INVALID_STATUS
    assert not AuditEntry.objects.exists()
