"""Two workers on one PostgreSQL database: every order is sent upstream exactly once and
settled exactly once, whichever worker takes it."""

import time

import pytest
from django.db import connection

from smmpanel.accounts.models import LedgerEntry
from smmpanel.orders.models import Order
from smmpanel.providers.models import UpstreamOrder, UpstreamState
from tests.conftest import start_process
from tests.factories import make_account
from tests.providers.fixtures import place_many

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

ORDERS = 300


def _wait_for(condition, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def test_two_workers_racing_never_send_or_refund_twice(smmpanel_env, tmp_path, followers, upstream):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one worker; the race needs PostgreSQL's SKIP LOCKED")
    account, _ = make_account("1000")
    orders = place_many(followers, account, ORDERS)
    env = {**smmpanel_env, "SMMPANEL_WORKER_TICK_SECONDS": "0.05",
           "SMMPANEL_PROVIDER_POLL_SECONDS": "0.2", "SMMPANEL_PROVIDER_POLL_MAX_SECONDS": "0.5",
           "SMMPANEL_WORKER_BATCH": "50"}  # fmt: skip
    workers = [start_process(["worker"], env, tmp_path / f"worker{n}.log") for n in (1, 2)]
    sent = UpstreamOrder.objects.filter(state=UpstreamState.SENT)
    try:
        _wait_for(lambda: sent.count() == ORDERS, "every order to be sent")
        for n, (upstream_order_id, _) in enumerate(sorted(upstream.panel.orders.items())):
            upstream.set_order(upstream_order_id, status="Partial" if n % 2 else "Completed",
                               remains=50 if n % 2 else 0)  # fmt: skip
        final = Order.objects.filter(pk__in=[o.pk for o in orders], completed_at__isnull=False)
        _wait_for(lambda: final.count() == ORDERS, "every order to be settled")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    assert upstream.calls["add"] == ORDERS
    assert len(upstream.panel.orders) == ORDERS
    assert sent.count() == ORDERS and UpstreamOrder.objects.count() == ORDERS
    assert LedgerEntry.objects.filter(account=account, kind="refund").count() == ORDERS // 2
    logs = [(tmp_path / f"worker{n}.log").read_text() for n in (1, 2)]
    assert not any("Traceback" in log for log in logs), logs
