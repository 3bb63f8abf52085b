"""A worker killed mid-work: nothing is sent twice, nothing refunded twice, nothing lost."""

import os
import signal
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from smmpanel.accounts.models import LedgerEntry
from smmpanel.orders.models import Order
from smmpanel.providers.forwarding import MAX_PARALLEL_CALLS
from smmpanel.providers.models import UpstreamOrder, UpstreamState
from smmpanel.worker.loop import run_once
from tests.conftest import start_process
from tests.factories import make_account
from tests.providers.fixtures import order_of, place_many, upstream_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _worker(smmpanel_env: dict, tmp_path: Path):
    env = {**smmpanel_env, "SMMPANEL_WORKER_TICK_SECONDS": "0.05",
           "SMMPANEL_PROVIDER_TIMEOUT_SECONDS": "50"}  # fmt: skip
    return start_process(["worker"], env, tmp_path / "worker.log")


def _wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def _after_the_lease():
    return timezone.now() + timedelta(seconds=settings.WORKER_LEASE_SECONDS + 1)


def test_a_worker_killed_while_sending_leaves_the_order_in_review(
    smmpanel_env, tmp_path, followers, upstream
):
    upstream.fail("slow", actions="add", delay=60)  # the order is placed, the reply never comes
    order = order_of(followers)
    worker = _worker(smmpanel_env, tmp_path)
    try:
        _wait_for(lambda: upstream.calls["add"] == 1, "the worker to send the order")
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    assert order.upstream_orders.get().state == UpstreamState.SENDING
    upstream.clear_faults()
    run_once(_after_the_lease())  # another worker takes over the expired claim
    run_once(_after_the_lease() + timedelta(hours=1))
    assert order.upstream_orders.get().state == UpstreamState.REVIEW
    assert upstream.calls["add"] == 1 and len(upstream.panel.orders) == 1


def test_a_worker_killed_mid_batch_of_status_polls_loses_and_repeats_nothing(
    smmpanel_env, tmp_path, followers, upstream
):
    account, _ = make_account("1000")
    orders = place_many(followers, account, 150)
    run_once()
    for order in orders:
        upstream.set_order(upstream_id(order), status="Partial", remains=50)
    upstream.fail("slow", actions="status", delay=60)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(next_attempt_at=timezone.now())
    worker = _worker(smmpanel_env, tmp_path)
    try:
        _wait_for(lambda: upstream.calls["status"] >= 1, "the worker to poll")
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    upstream.clear_faults()
    run_once(_after_the_lease())
    run_once(_after_the_lease() + timedelta(hours=1))
    statuses = set(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    )
    assert statuses == {"Partial"}
    refunds = LedgerEntry.objects.filter(account=account, kind="refund")
    assert refunds.count() == 150
    account.refresh_from_db()
    # 150 × 0.09 charged, half of each refunded once.
    assert account.balance == Decimal("1000") - 150 * Decimal("0.09") + 150 * Decimal("0.045")
    assert upstream.calls["add"] == 150


def test_a_worker_killed_mid_batch_sends_only_its_calls_in_flight_to_review(
    smmpanel_env, tmp_path, followers, upstream
):
    account, _ = make_account("1000")
    orders = place_many(followers, account, 60)
    # Each order is placed at once, its reply comes a second later: a slow provider.
    upstream.fail("slow", actions="add", delay=1)
    worker = _worker(smmpanel_env, tmp_path)
    try:
        _wait_for(lambda: upstream.calls["add"] >= 20, "the worker to send a part of its batch")
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    upstream.clear_faults()
    run_once(_after_the_lease())  # another worker takes over the expired claims
    attempts = UpstreamOrder.objects.filter(order__in=orders)
    in_review = attempts.filter(state=UpstreamState.REVIEW).count()
    assert in_review <= MAX_PARALLEL_CALLS
    assert attempts.filter(state=UpstreamState.SENT).count() == len(orders) - in_review
    assert attempts.count() == len(orders)  # one attempt each: nothing sending, nothing failed
    links = [placed.params["link"] for placed in upstream.panel.orders.values()]
    assert len(links) == len(set(links)) == upstream.calls["add"]  # none placed twice
    for attempt in attempts.filter(state=UpstreamState.SENT).select_related("order"):
        assert upstream.panel.orders[attempt.upstream_id].params["link"] == attempt.order.link
