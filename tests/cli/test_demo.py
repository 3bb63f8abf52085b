"""`smmpanel demo` on a fresh data directory: a working panel with processing, reusing its data."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

import httpx

from smmpanel.catalog.order_types import OrderType
from tests.conftest import free_port, wait_until_up


def _start_demo(env: dict, port: int) -> tuple[subprocess.Popen, str, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "smmpanel", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    banner = ""
    deadline = time.monotonic() + 60
    while "Ctrl-C" not in banner and time.monotonic() < deadline:
        line = process.stdout.readline()
        banner += line
        assert line or process.poll() is None, "demo exited early"
    key = re.search(r"demo API key: +([0-9a-f]{32})", banner)
    assert key, f"demo printed no API key:\n{banner}"
    wait_until_up(f"http://127.0.0.1:{port}", process)
    return process, key.group(1), banner


def _log_in(url: str, path: str, username: str, password: str, next_: str) -> httpx.Response:
    with httpx.Client(base_url=url) as browser:
        browser.get(path)
        data = {
            "username": username,
            "password": password,
            "next": next_,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        }
        return browser.post(path, data=data)


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()


def test_demo_serves_a_working_panel_and_reuses_its_data(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SMMPANEL_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env |= {
        "SMMPANEL_DATA_DIR": str(tmp_path / "data"),
        "SMMPANEL_SIMULATED_SECONDS": "2",
        "SMMPANEL_WORKER_TICK_SECONDS": "0.2",
    }
    port = free_port()
    api = f"http://127.0.0.1:{port}/api/v2"
    process, key, banner = _start_demo(env, port)
    try:
        services = httpx.post(api, data={"key": key, "action": "services"}).json()
        assert {service["type"] for service in services} == set(OrderType.values)
        followers = next(s for s in services if s["name"] == "Instagram Followers")
        order = httpx.post(
            api,
            data={
                "key": key,
                "action": "add",
                "service": followers["service"],
                "link": "https://instagram.com/demo",
                "quantity": 100,
            },
        ).json()["order"]
        deadline = time.monotonic() + 20
        status = {}
        while time.monotonic() < deadline:
            status = httpx.post(api, data={"key": key, "action": "status", "order": order}).json()
            if status["status"] in ("Completed", "Partial"):
                break
            time.sleep(0.2)
        assert status["status"] in ("Completed", "Partial"), status
        assert int(status["start_count"]) > 0
        assert httpx.get(f"http://127.0.0.1:{port}/admin/login/").status_code == 200
    finally:
        _stop(process)
    # A newcomer can add funds at once: the sandbox gateway is offered beside the transfer.
    with sqlite3.connect(tmp_path / "data" / "smmpanel.sqlite3") as db:
        gateways = {row[0] for row in db.execute("SELECT gateway FROM payments_paymentmethod")}
    assert gateways == {"manual", "sandbox"}

    process, second_key, _ = _start_demo(env, port)
    try:
        assert second_key == key
        again = httpx.post(api, data={"key": key, "action": "status", "order": order}).json()
        assert again["status"] == status["status"]
        assert len(httpx.post(api, data={"key": key, "action": "services"}).json()) == len(services)
    finally:
        _stop(process)


def test_demo_prints_the_back_office_and_a_password_for_each_user(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SMMPANEL_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env["SMMPANEL_DATA_DIR"] = str(tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process, _, banner = _start_demo(env, port)
    try:
        assert f"back-office (operators): {url}/backoffice/" in banner
        admin = re.search(r"log in as admin, password (\S+)", banner)
        customer = re.search(r"log in as demo, password (\S+)", banner)
        assert admin and customer, banner
        assert admin.group(1) != customer.group(1)
        staff = _log_in(url, "/admin/login/", "admin", admin.group(1), "/backoffice/")
        assert staff.headers["Location"] == "/backoffice/"
        assert _log_in(url, "/accounts/login/", "demo", customer.group(1), "/").status_code == 302
        # The operator's password is not the customer's.
        assert _log_in(url, "/accounts/login/", "demo", admin.group(1), "/").status_code == 200
    finally:
        _stop(process)
