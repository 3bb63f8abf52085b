"""Against real `smmpanel serve` processes: the metrics of API requests add up over the server's
2 processes (prometheus_client's multi-process mode), and `/healthz` says when the database is
unreachable."""

import contextlib
import time
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from smmpanel.monitoring.heartbeat import beat
from smmpanel.providers.models import Provider
from tests.conftest import free_port, serving, start_process
from tests.factories import make_account
from tests.monitoring.scrape import value

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

COUNT = "smmpanel_api_request_seconds_count"
PROVIDER_COUNT = "smmpanel_provider_call_seconds_count"
REQUESTS = 20


def test_metrics_add_up_the_api_requests_of_both_server_processes(panel_server):
    _, key = make_account("5")
    metrics_dir = (
        Path(panel_server.env["SMMPANEL_DATA_DIR"]) / "metrics" / panel_server.url.rsplit(":", 1)[1]
    )
    before = httpx.get(f"{panel_server.url}/metrics").text
    sent = 0
    # Until both processes answered some (a new connection each time: the server's processes
    # take turns accepting them); each keeps its counts in a file of its own.
    while sent < 10 * REQUESTS and (sent == 0 or len(list(metrics_dir.glob("histogram_*"))) < 2):
        for _ in range(REQUESTS):
            reply = httpx.post(panel_server.api, data={"key": key, "action": "balance"}).json()
            assert reply["balance"] == "5.00"
        sent += REQUESTS
    response = httpx.get(f"{panel_server.url}/metrics")
    assert response.status_code == 200
    counted = value(response.text, COUNT, action="balance", outcome="ok") - value(
        before, COUNT, action="balance", outcome="ok"
    )
    # Both processes counted some of them, each in its own file, and /metrics added them up.
    assert len(list(metrics_dir.glob("histogram_*.db"))) == 2
    assert counted == sent
    # The database's gauges are there too, once.
    assert response.text.count("\nsmmpanel_database_up ") == 1


def test_healthz_of_a_real_server(panel_server):
    beat()
    response = httpx.get(f"{panel_server.url}/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_metrics_are_refused_to_a_request_without_the_token_from_elsewhere(smmpanel_env, tmp_path):
    """Only loopback may read without the token: with an allow-list that excludes it, a request
    from 127.0.0.1 is refused, and served with the token."""
    env = {**smmpanel_env, "SMMPANEL_METRICS_ALLOW": "10.0.0.0/8", "SMMPANEL_METRICS_TOKEN": "t0k"}
    with serving(env, tmp_path / "serve.log", workers=1) as server:
        assert httpx.get(f"{server.url}/metrics").status_code == 403
        with_token = httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer t0k"})
        assert with_token.status_code == 200
        assert "smmpanel_orders" in with_token.text


def test_healthz_is_unavailable_when_the_database_is_unreachable(smmpanel_env, tmp_path):
    # Nothing listens on port 1: every connection is refused.
    env = {**smmpanel_env, "SMMPANEL_DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    with serving(env, tmp_path / "serve.log", workers=1) as server:
        response = httpx.get(f"{server.url}/healthz", timeout=30)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "reason": "database unreachable: OperationalError",
    }


def test_the_worker_serves_the_counts_of_its_provider_calls(smmpanel_env, tmp_path, provider):
    """The provider's balance is due: the worker asks for it, and its own /metrics counts it."""
    Provider.objects.filter(pk=provider.pk).update(next_attempt_at=timezone.now())
    port = free_port()
    env = {
        **smmpanel_env,
        "SMMPANEL_WORKER_METRICS_PORT": str(port),
        "SMMPANEL_WORKER_TICK_SECONDS": "0.2",
        "SMMPANEL_METRICS_ALLOW": "10.0.0.0/8",
        "SMMPANEL_METRICS_TOKEN": "t0k",
    }
    worker = start_process(["worker"], env, tmp_path / "worker.log")
    url = f"http://127.0.0.1:{port}/metrics"
    labels = {"provider": provider.name, "action": "balance", "outcome": "ok"}
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                scraped = httpx.get(url, headers={"Authorization": "Bearer t0k"})
                if value(scraped.text, PROVIDER_COUNT, **labels) >= 1:
                    break
            time.sleep(0.2)
        else:
            raise AssertionError((tmp_path / "worker.log").read_text())
        # The same rules as the servers': 127.0.0.1 is not in the allow-list, no token, refused.
        assert httpx.get(url).status_code == 403
    finally:
        worker.terminate()
        worker.wait(timeout=30)
