"""End to end: two real smmpanel instances, each its own server process and database. An order
placed at the reseller travels up to the provider, is fulfilled there by its simulated
fulfilment, and its status, remains and refund come back down to the reseller's customer."""

import json
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import psycopg
import pytest
from django.db import connection

from smmpanel.accounts.models import Account
from smmpanel.money import proportional_part
from smmpanel.worker.loop import run_once
from tests.conftest import free_port, run_cli, start_process, wait_until_up

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def _second_database(tmp_path: Path) -> Iterator[str]:
    """A database of its own for the provider panel: a file on SQLite, a new PostgreSQL one."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'provider.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_upstream"
    credentials = {"user": settings["USER"], "password": settings["PASSWORD"] or None,
                   "host": settings["HOST"], "port": settings["PORT"] or 5432}  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        yield (
            f"postgres://{settings['USER']}{password}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{name}"
        )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **credentials) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def provider_panel(smmpanel_env, tmp_path) -> Iterator[dict]:
    """The upstream panel: its own data dir, database, `serve` and `worker` processes; a
    customer account for the reseller and one simulated service that ends Partial."""
    for database_url in _second_database(tmp_path):
        data_dir = tmp_path / "provider-data"
        data_dir.mkdir()
        env = {**smmpanel_env, "SMMPANEL_DATA_DIR": str(data_dir),
               "SMMPANEL_DATABASE_URL": database_url, "SMMPANEL_SECRET_KEY": "provider-secret",
               "SMMPANEL_SIMULATED_SECONDS": "2", "SMMPANEL_SIMULATED_PARTIAL_PERCENT": "100",
               "SMMPANEL_WORKER_TICK_SECONDS": "0.1"}  # fmt: skip
        assert run_cli(env, "migrate", "--verbosity", "0").returncode == 0
        user = json.loads(
            run_cli(env, "user", "create", "reseller", "--balance", "50", "--json").stdout
        )
        service = run_cli(
            env, "service", "create", "--name", "Real followers", "--category", "Instagram",
            "--type", "Default", "--rate", "2", "--min", "10", "--max", "5000", "--cancel",
            "--fulfilment", "simulated", "--json",
        )  # fmt: skip
        assert service.returncode == 0, service.stderr
        subscription = run_cli(
            env, "service", "create", "--name", "Auto likes", "--category", "Instagram",
            "--type", "Subscriptions", "--rate", "1", "--min", "10", "--max", "5000",
            "--fulfilment", "simulated", "--json",
        )  # fmt: skip
        assert subscription.returncode == 0, subscription.stderr
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_process(
            ["serve", "--port", str(port), "--workers", "1"],
            {**env, "SMMPANEL_PUBLIC_URL": url},
            data_dir / "serve.log",
        )
        worker = start_process(["worker"], env, data_dir / "worker.log")
        try:
            wait_until_up(url, server)
            yield {"api": f"{url}/api/v2", "key": user["api_key"], "env": env}
        finally:
            for process in (worker, server):
                process.terminate()
                process.wait(timeout=15)


def _status(api: str, key: str, order: int) -> dict:
    return httpx.post(api, data={"key": key, "action": "status", "order": order}).json()


def _until_final(api: str, key: str, order: int) -> dict:
    deadline = time.monotonic() + 60
    reply = _status(api, key, order)
    while reply["status"] not in ("Partial", "Completed", "Canceled", "Expired"):
        assert time.monotonic() < deadline, f"the order did not come back: {reply}"
        run_once()  # the reseller's worker, in-process
        time.sleep(0.1)
        reply = _status(api, key, order)
    return reply


def test_orders_travel_up_and_their_outcome_and_refund_come_back(
    panel_server, smmpanel_env, provider_panel, settings
):
    settings.PROVIDER_POLL_SECONDS = 0.2
    settings.PROVIDER_POLL_MAX_SECONDS = 0.5
    upstream = provider_panel
    env = smmpanel_env
    added = run_cli(env, "provider", "add", "upstream", "--url", upstream["api"],
                    "--key", upstream["key"], "--json")  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr
    imported = json.loads(
        run_cli(env, "provider", "import", "upstream", "--markup", "50%", "--json").stdout
    )
    service_id, subscription_id = imported["created"]
    customer = json.loads(
        run_cli(env, "user", "create", "buyer", "--balance", "10", "--json").stdout
    )

    services = httpx.post(
        panel_server.api, data={"key": customer["api_key"], "action": "services"}
    ).json()
    rates = [(s["service"], s["type"], s["rate"]) for s in services]
    assert rates == [(service_id, "Default", "3.00"), (subscription_id, "Subscriptions", "1.50")]
    placed = httpx.post(
        panel_server.api,
        data={"key": customer["api_key"], "action": "add", "service": service_id,
              "link": "https://instagram.com/star", "quantity": "1000"},
    ).json()  # fmt: skip
    order = placed["order"]

    subscribed = httpx.post(
        panel_server.api,
        data={"key": customer["api_key"], "action": "add", "service": subscription_id,
              "username": "star", "min": "100", "max": "100", "posts": "2"},
    ).json()  # fmt: skip
    reply = _until_final(panel_server.api, customer["api_key"], order)
    watched = _until_final(panel_server.api, customer["api_key"], subscribed["order"])
    assert (watched["status"], watched["posts"]) == ("Completed", "2")

    # The provider's view of the same order (through the reseller's key there).
    from smmpanel.providers.models import UpstreamOrder

    upstream_order = UpstreamOrder.objects.get(order_id=order)
    there = _status(upstream["api"], upstream["key"], int(upstream_order.upstream_id))
    assert there["status"] == reply["status"] == "Partial"
    assert reply["remains"] == there["remains"] and 0 < int(reply["remains"]) < 1000
    assert reply["start_count"] == there["start_count"]
    # The customer paid 3.00 and 0.30 (two posts of up to 100 at 1.50), and got the undelivered
    # part of the followers back, once.
    account = Account.objects.get(user__username="buyer")
    refund = proportional_part(Decimal("3.00000"), int(reply["remains"]), 1000)
    assert account.balance == Decimal("10") - Decimal("3.3") + refund
    assert reply["charge"] == "3.00"
    assert run_cli(env, "audit").returncode == 0
    assert run_cli(upstream["env"], "audit").returncode == 0
