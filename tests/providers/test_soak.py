"""The soak of bench/soak.py in a small form: a reseller on PostgreSQL (two API servers, two
workers) forwarding to a real upstream smmpanel behind a faulty proxy; a worker and an API server
killed with -9 and restarted while clients place orders with retries. Nothing is lost, nothing
placed twice upstream, both ledgers audit clean, every order ends final or in review."""

import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.e2e


def test_kill_9_of_a_worker_and_an_api_server_loses_and_duplicates_nothing(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("two workers and two API servers need PostgreSQL")
    import soak
    from soak_checks import check

    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    options = soak.Options(
        orders=80, clients=4, seconds=60, settle_seconds=60, fault_rate=0.2,
        postgres=f"postgres://{database['USER']}{password}@{database['HOST']}:"
                 f"{database['PORT'] or 5432}",
        prefix=f"{database['NAME']}_soak",
    )  # fmt: skip
    with ExitStack() as stack:
        system = soak.start(options, stack, tmp_path)
        load = soak.run_clients(system, options, soak.chaos)
        _, unsettled = soak.settle(system, options.settle_seconds)
        assert check(system, load, unsettled) == []
    assert len(load.acked) == options.orders and not load.gave_up
    assert [line.split(" after")[0] for line in system.chaos_log] == [
        "kill -9 worker", "kill -9 serve", "both restarted",
    ]  # fmt: skip
    assert any(kind != "ok" for _, kind in system.proxy.counts)
