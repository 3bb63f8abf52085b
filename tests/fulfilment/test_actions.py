"""The operator resends or cancels an order, or settles an order in review: each decision is
recorded with before and after, an attempt in doubt is settled first, a refund happens once."""

from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Fulfilment
from smmpanel.fulfilment.actions import (
    cancel_in_review,
    cancel_order,
    follow_in_review,
    resend_in_review,
    resend_order,
)
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.models import UpstreamState
from smmpanel.worker.loop import run_once
from tests.factories import make_account, make_service
from tests.orders.operators import operator
from tests.providers.fixtures import order_of

pytestmark = pytest.mark.django_db


def placed(fulfilment: str = Fulfilment.MANUAL) -> Order:
    account, _ = make_account("10")
    return place_order(
        account=account,
        service=make_service(fulfilment=fulfilment),
        params={"link": "https://x.com/p", "quantity": "1000"},
    )


@pytest.fixture
def in_review(followers, upstream) -> Order:
    """A provider order whose placing upstream is in doubt (the provider took it, then failed)."""
    upstream.fail("http500", actions="add", performed=True)
    order = order_of(followers)
    run_once()
    assert order.upstream_orders.get().state == UpstreamState.REVIEW
    return order


def refunds(order: Order) -> list[Decimal]:
    entries = LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.REFUND)
    return list(entries.values_list("amount", flat=True))


def test_resend_order_makes_an_automatic_order_due_and_records_it():
    order = placed(Fulfilment.SIMULATED)
    Order.objects.filter(pk=order.pk).update(next_attempt_at=None)
    resent = resend_order(order_id=order.pk, acting_user=operator())
    assert resent.next_attempt_at is not None and resent.status == OrderStatus.PENDING
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name, entry.summary) == ("order.resend", "alice", "resend")
    assert entry.before["next_attempt_at"] is None and entry.after["next_attempt_at"]


def test_resend_order_refuses_a_manual_order_and_records_nothing():
    order = placed()
    with pytest.raises(OrderError) as refused:
        resend_order(order_id=order.pk, acting_user=operator())
    assert refused.value.code == OrderErrorCode.INVALID_STATUS
    assert not AuditEntry.objects.exists()


def test_cancel_order_refunds_once_and_records_it():
    order = placed()
    canceled = cancel_order(order_id=order.pk, acting_user=operator())
    assert canceled.status == OrderStatus.CANCELED
    cancel_order(order_id=order.pk, acting_user=operator())  # already so: nothing recorded
    assert refunds(order) == [Decimal("0.9")]
    assert ledger.audit() == []
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.summary) == ("order.cancel", "cancel Canceled")
    assert entry.before["status"] == "Pending" and entry.before["refund"] is None
    assert entry.after["status"] == "Canceled" and entry.after["refund"] == "0.90000"


def test_cancel_order_settles_an_order_in_review_first(in_review):
    cancel_order(order_id=in_review.pk, acting_user=operator())
    in_review.refresh_from_db()
    assert in_review.status == OrderStatus.CANCELED
    assert in_review.upstream_orders.get().state == UpstreamState.RESOLVED
    assert refunds(in_review) == [in_review.charge]
    assert AuditEntry.objects.get().action == "order.cancel"


def test_resend_order_of_an_order_in_review_resolves_its_attempt(in_review):
    resend_order(order_id=in_review.pk, acting_user=operator())
    assert in_review.upstream_orders.get().state == UpstreamState.RESOLVED
    assert AuditEntry.objects.get().action == "order.resend"


def test_resend_in_review_records_it_and_refuses_an_order_not_in_review(in_review):
    resend_in_review(order_id=in_review.pk, acting_user=operator())
    assert in_review.upstream_orders.get().state == UpstreamState.RESOLVED
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name) == ("review.resend", "alice")
    assert entry.before["status"] == entry.after["status"] == "Pending"
    assert entry.after["next_attempt_at"] is not None
    with pytest.raises(ProviderError):
        resend_in_review(order_id=in_review.pk, acting_user=operator())
    assert AuditEntry.objects.count() == 1


def test_follow_in_review_follows_the_upstream_id_and_records_it(in_review, upstream):
    (found,) = upstream.panel.orders  # the operator finds it at the provider
    follow_in_review(order_id=in_review.pk, upstream_id=found, acting_user=operator())
    attempt = in_review.upstream_orders.get()
    assert (attempt.state, attempt.upstream_id) == (UpstreamState.SENT, found)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.summary) == ("review.record", found)
    with pytest.raises(ProviderError):
        follow_in_review(order_id=in_review.pk, upstream_id=found, acting_user=operator())
    assert AuditEntry.objects.count() == 1


def test_cancel_in_review_refunds_once_and_records_it(in_review):
    cancel_in_review(order_id=in_review.pk, acting_user=operator())
    with pytest.raises(ProviderError):
        cancel_in_review(order_id=in_review.pk, acting_user=operator())
    in_review.refresh_from_db()
    assert in_review.status == OrderStatus.CANCELED
    assert refunds(in_review) == [in_review.charge]
    assert ledger.audit() == []
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.before["status"], entry.after["status"]) == (
        "review.cancel",
        "Pending",
        "Canceled",
    )
