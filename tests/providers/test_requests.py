"""Customers' cancels and refills are passed upstream, and their outcomes come back; provider
balances are polled."""

from decimal import Decimal

import pytest

from smmpanel.audit.log import Actor
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelStatus, OrderStatus, RefillStatus
from smmpanel.orders.refills import request_refill
from smmpanel.providers.models import Provider, UpstreamRefill
from smmpanel.worker.loop import run_once
from tests.providers.fixtures import later, order_of, upstream_id

pytestmark = pytest.mark.django_db


def test_a_cancel_is_passed_upstream_and_the_cancel_comes_back_refunded(followers, upstream):
    order = order_of(followers, balance="100")
    run_once()
    cancel = request_cancel(account=order.account, order=order)
    run_once(later(seconds=1))
    assert upstream.calls["cancel"] == 1
    assert upstream.panel.orders[upstream_id(order)].status == "Canceled"
    run_once(later(minutes=1))
    order.refresh_from_db()
    cancel.refresh_from_db()
    order.account.refresh_from_db()
    assert order.status == OrderStatus.CANCELED and cancel.status == CancelStatus.ACCEPTED
    assert order.account.balance == Decimal("100")
    assert upstream.calls["cancel"] == 1


def test_a_cancel_the_provider_refuses_is_rejected(followers, upstream):
    order = order_of(followers)
    run_once()
    with upstream.panel.lock:
        upstream.panel.services[upstream.service_id(0)].cancel = False
    cancel = request_cancel(account=order.account, order=order)
    run_once(later(seconds=1))
    cancel.refresh_from_db()
    order.refresh_from_db()
    assert cancel.status == CancelStatus.REJECTED and order.status == OrderStatus.PENDING


def test_a_cancel_before_the_order_went_upstream_cancels_here(followers, upstream):
    order = order_of(followers, balance="100")
    upstream.stop()  # unreachable: certainly not sent, to be tried again later
    run_once()
    request_cancel(account=order.account, order=order)
    run_once(later(minutes=60))
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED


def test_a_refill_is_passed_upstream_and_its_status_synced(followers, upstream):
    order = order_of(followers)
    run_once()
    upstream.set_order(upstream_id(order), status="Completed", remains=0)
    run_once(later(minutes=1))
    order.refresh_from_db()
    refill = request_refill(account=order.account, order=order)
    run_once(later(minutes=2))
    sent = UpstreamRefill.objects.get(refill=refill)
    assert sent.upstream_id in upstream.panel.refills
    upstream.set_refill(sent.upstream_id, "Completed")
    run_once(later(minutes=5))
    refill.refresh_from_db()
    assert refill.status == RefillStatus.COMPLETED
    run_once(later(minutes=60))
    assert upstream.calls["refill"] == 1


def test_a_refill_the_provider_refuses_is_rejected(provider, upstream):
    from smmpanel.catalog.models import Service
    from smmpanel.providers.catalog_import import import_catalog

    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(0))
    likes = Service.objects.get(routes__provider_service__service_id=upstream.service_id(1))
    likes.refill = True  # the operator promises a refill the provider doesn't give
    likes.save()
    order = order_of(likes, quantity=100)
    run_once()
    upstream.set_order(upstream_id(order), status="Completed", remains=0)
    run_once(later(minutes=1))
    order.refresh_from_db()
    refill = request_refill(account=order.account, order=order)
    run_once(later(minutes=2))
    refill.refresh_from_db()
    assert refill.status == RefillStatus.REJECTED
    assert "not available" in UpstreamRefill.objects.get(refill=refill).error


def test_balances_are_polled_and_a_failure_is_shown(provider, upstream):
    with upstream.panel.lock:
        upstream.panel.balance = Decimal("12.5")
    run_once(later(minutes=10))
    provider.refresh_from_db()
    assert provider.balance == Decimal("12.5") and provider.last_error == ""
    upstream.fail("html", actions="balance")
    run_once(later(minutes=30))
    provider.refresh_from_db()
    assert provider.balance == Decimal("12.5") and provider.last_error
    assert Provider.objects.get(pk=provider.pk).next_attempt_at is not None
