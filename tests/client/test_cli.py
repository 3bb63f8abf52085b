"""`smmpanel api` run as a real process against a fake upstream: tables for people, one JSON
object with --json, exit 1 and `{"error": …}` on a refusal or a fault."""

import json
import os
import subprocess
import sys
import time

import pytest

from smmpanel.client.testing import FakeUpstream
from tests.conftest import free_port

LINK = "https://instagram.com/natgeo"


def api(upstream: FakeUpstream | None, *args: str, url: str | None = None, key: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "smmpanel",
            "api",
            "--url",
            url or upstream.url,  # type: ignore[union-attr]
            "--key",
            key or upstream.key,
            *args,
        ],  # type: ignore[union-attr]
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=os.environ.get("TMPDIR", "/tmp"),
    )


def ok_json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def baostar():
    with FakeUpstream("baostar") as upstream:
        yield upstream


def test_services_as_a_table_and_as_json(baostar):
    table = api(baostar, "services")
    assert table.returncode == 0, table.stderr
    header, first, *_ = table.stdout.splitlines()
    assert header.split() == ["ID", "NAME", "TYPE", "CATEGORY", "RATE", "MIN", "MAX", "FLAGS"]
    assert first.split()[:4] == ["1", "Instagram", "Followers", "Default"]
    assert header.index("RATE") == first.index("9000")  # columns aligned
    data = ok_json(api(baostar, "--json", "services"))
    assert data["services"][0]["rate"] == "9000" and data["services"][0]["service"] == "1"


def test_add_status_balance_round_trip_with_auto_detection(baostar):
    placed = ok_json(
        api(baostar, "--json", "add", "--service", "1", "--link", LINK, "--quantity", "100")
    )
    order = placed["order"]
    assert order in baostar.panel.orders
    baostar.set_order(order, status="Partial", remains=-2)
    status = ok_json(api(baostar, "--json", "status", order))
    assert status["orders"][order]["status"] == "Partial"
    assert status["orders"][order]["remains"] == -2
    many = ok_json(api(baostar, "--json", "--dialect", "json", "status", order, "424242"))
    assert many["orders"]["424242"]["error"] == "Incorrect order ID"
    text = api(baostar, "--dialect", "json", "status", order, "424242")
    assert "error: Incorrect order ID" in text.stdout
    balance = ok_json(api(baostar, "balance", "--json"))
    assert balance["currency"] == "VND" and balance["balance"].isdigit()


def test_fields_refill_and_cancel_against_smmplus():
    with FakeUpstream("smmplus") as upstream:
        order = ok_json(
            api(
                upstream,
                "--json",
                "--dialect",
                "form",
                "add",
                "--service",
                "1",
                "--link",
                LINK,
                "--quantity",
                "100",
                "--field",
                "runs=2",
                "--field",
                "interval=30",
            )
        )["order"]
        assert upstream.add_requests[-1]["runs"] == "2"
        refill = ok_json(api(upstream, "--json", "refill", order))["refill"]
        assert ok_json(api(upstream, "--json", "refill_status", refill))["status"] == "Pending"
        cancel = ok_json(api(upstream, "--json", "cancel", order, "999"))["cancel"]
        assert cancel == {order: True, "999": {"error": "Incorrect order ID"}}


def test_a_refusal_is_an_error_object_and_exit_1(baostar):
    result = api(
        baostar,
        "--json",
        "--dialect",
        "json",
        "add",
        "--service",
        "1",
        "--link",
        LINK,
        "--quantity",
        "1",
    )
    assert result.returncode == 1
    assert json.loads(result.stdout) == {
        "error": "Quantity less than minimal 10",
        "kind": "refused",
    }
    human = api(baostar, "balance", key="wrong")
    assert human.returncode == 1 and "Invalid API key" in human.stderr


def test_a_fault_is_an_error_object_and_exit_1(baostar):
    result = api(None, "--json", "balance", url=f"http://127.0.0.1:{free_port()}/api/v2", key="k")
    assert result.returncode == 1
    assert json.loads(result.stdout)["kind"] == "unreachable"
    baostar.fail("html", actions="services", times=3)
    result = api(baostar, "--json", "--dialect", "json", "services")
    assert result.returncode == 1
    assert json.loads(result.stdout)["kind"] == "bad_reply"


def test_it_needs_no_database_and_writes_no_files(baostar, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "SMMPANEL"))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "smmpanel",
            "api",
            "--url",
            baostar.url,
            "--key",
            baostar.key,
            "--json",
            "balance",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_bad_dialect_word_is_a_usage_error(baostar):
    result = api(baostar, "--dialect", "xml", "balance")
    assert result.returncode == 2 and "unknown dialect word" in result.stderr


def test_the_fake_upstream_runs_as_a_process():
    process = subprocess.Popen(
        [sys.executable, "-m", "smmpanel.client.testing", "--seed", "smmvna", "--key", "k1"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[0]
        assert url.endswith("/api/v2")
        products = ok_json(api(None, "--json", "products", url=url, key="k1"))["products"]
        assert products[0]["rate"] == "2.5"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_fake_upstream_process_refuses_plain_drip_feed_orders_slowly():
    from smmpanel.client import Client, Dialect, ProviderRefused

    process = subprocess.Popen(
        [sys.executable, "-m", "smmpanel.client.testing", "--dripfeed-only", "--slow", "0.5"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url, key = process.stdout.readline().split()
        with Client(url, key.removeprefix("key="), Dialect(), retries=0) as client:
            started = time.monotonic()
            with pytest.raises(ProviderRefused, match="drip-feed orders only"):
                client.add("1", link="https://x.com/a", quantity=100)
            assert time.monotonic() - started >= 0.5
            assert client.add("1", link="https://x.com/a", quantity=100, runs=2, interval=5)
    finally:
        process.terminate()
        process.wait(timeout=10)
