"""Backups: `smmpanel backup`/`restore` on SQLite while the panel writes; pg_dump/pg_restore as the
README says, on PostgreSQL."""

import json
import os
import sqlite3
import subprocess
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from smmpanel.accounts.models import Account
from smmpanel.backup import is_running, running
from smmpanel.orders.models import Order
from smmpanel.orders.placement import place_order
from tests.conftest import run_cli, start_process
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db(transaction=True)

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite backup commands (PostgreSQL: pg_dump)"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL"
)


def _fresh_env(smmpanel_env: dict, data_dir: Path) -> dict:
    """A panel of its own in `data_dir`, on the default SQLite database there."""
    env = {**smmpanel_env, "SMMPANEL_DATA_DIR": str(data_dir)}
    env.pop("SMMPANEL_DATABASE_URL")
    return env


def _json(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class OrderWriter(threading.Thread):
    """Places orders one after another until stopped, as customers would."""

    def __init__(self, account: Account, service):
        super().__init__(daemon=True)
        self.account, self.service = account, service
        self.stop = threading.Event()
        self.placed = 0

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                params = {"link": f"https://x.com/{self.placed}", "quantity": "100"}
                place_order(account=self.account, service=self.service, params=params)
                self.placed += 1
        finally:
            connection.close()


@on_sqlite
def test_backup_while_orders_are_written_restores_a_consistent_panel(smmpanel_env, tmp_path):
    service = make_service(rate=Decimal("0.01"))
    account, _ = make_account("1000")
    writer = OrderWriter(account, service)
    writer.start()
    try:
        while writer.placed < 20:
            threading.Event().wait(0.01)
        made = _json(run_cli(smmpanel_env, "backup", str(tmp_path / "panel.sqlite3"), "--json"))
        placed_during_backup = writer.placed
    finally:
        writer.stop.set()
        writer.join()
    assert made["bytes"] > 0
    assert placed_during_backup >= 20

    restored = _fresh_env(smmpanel_env, tmp_path / "restored")
    _json(run_cli(restored, "restore", str(tmp_path / "panel.sqlite3"), "--json"))
    audit = _json(run_cli(restored, "audit", "--json"))
    assert audit["mismatched"] == []
    assert audit["accounts"] == Account.objects.count()
    # The copy holds the orders placed up to the backup, each with its charge (audit above).
    with sqlite3.connect(tmp_path / "restored" / "smmpanel.sqlite3") as copy:
        (copied,) = copy.execute(
            "SELECT count(*) FROM orders_order WHERE account_id = ?", [account.pk]
        ).fetchone()
    assert 20 <= copied <= Order.objects.filter(account=account).count()


@on_sqlite
def test_restore_refuses_a_running_panel_without_force(smmpanel_env, tmp_path):
    make_account("5")
    make_service()
    _json(run_cli(smmpanel_env, "backup", str(tmp_path / "b.sqlite3"), "--json"))
    target = _fresh_env(smmpanel_env, tmp_path / "live")
    _json(
        run_cli(target, "migrate", "--verbosity", "0")
        if False
        else run_cli(target, "restore", str(tmp_path / "b.sqlite3"), "--json")
    )
    with running(tmp_path / "live"):
        refused = run_cli(target, "restore", str(tmp_path / "b.sqlite3"))
        assert refused.returncode == 1
        assert "The panel is running" in refused.stderr
        forced = run_cli(target, "restore", str(tmp_path / "b.sqlite3"), "--force")
        assert forced.returncode == 0, forced.stderr
    assert _json(run_cli(target, "audit", "--json"))["mismatched"] == []
    # Running processes keep what they read by version: the restored data have new ones.
    versions = []
    for path in (tmp_path / "b.sqlite3", tmp_path / "live" / "smmpanel.sqlite3"):
        with sqlite3.connect(path) as database:
            versions.append(
                database.execute("SELECT name, number FROM versions_version").fetchall()
            )
    assert versions[0] and set(versions[1]).isdisjoint(versions[0])
    assert {name for name, _ in versions[1]} == {name for name, _ in versions[0]}


@on_sqlite
def test_a_running_worker_marks_the_panel_as_running(smmpanel_env, tmp_path):
    make_account("5")
    _json(run_cli(smmpanel_env, "backup", str(tmp_path / "b.sqlite3"), "--json"))
    target = _fresh_env(smmpanel_env, tmp_path / "live")
    _json(run_cli(target, "restore", str(tmp_path / "b.sqlite3"), "--json"))
    worker = start_process(["worker"], target, tmp_path / "worker.log")
    try:
        deadline = time.monotonic() + 30
        while not is_running(tmp_path / "live") and time.monotonic() < deadline:
            time.sleep(0.1)
        refused = run_cli(target, "restore", str(tmp_path / "b.sqlite3"))
        assert refused.returncode == 1
        assert "The panel is running" in refused.stderr
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert not is_running(tmp_path / "live")
    assert run_cli(target, "restore", str(tmp_path / "b.sqlite3")).returncode == 0


@on_sqlite
def test_restore_checks_the_backup_first(smmpanel_env, tmp_path):
    target = _fresh_env(smmpanel_env, tmp_path / "live")
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    result = run_cli(target, "restore", str(broken))
    assert result.returncode == 1
    assert "broken.sqlite3" in result.stderr
    assert not (tmp_path / "live" / "smmpanel.sqlite3").exists()
    missing = run_cli(target, "restore", str(tmp_path / "none.sqlite3"))
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr


@on_postgresql
def test_backup_is_refused_on_postgresql_with_the_way_to_do_it(smmpanel_env, tmp_path):
    result = run_cli(smmpanel_env, "backup", str(tmp_path / "b.sqlite3"))
    assert result.returncode == 1
    assert "pg_dump" in result.stderr


@on_postgresql
def test_pg_dump_and_pg_restore_as_the_readme_says(tmp_path):
    """README, Backups: `pg_dump -Fc` of the panel's database, `pg_restore` into a new one."""
    make_account("7")
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    common = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    common += ["-U", settings["USER"]]
    dump = tmp_path / "smmpanel.dump"
    scratch = f"{settings['NAME']}_restore"
    subprocess.run(
        ["pg_dump", *common, "-Fc", "-f", str(dump), settings["NAME"]], env=env, check=True
    )
    subprocess.run(["dropdb", *common, "--if-exists", scratch], env=env, check=True)
    subprocess.run(["createdb", *common, scratch], env=env, check=True)
    try:
        subprocess.run(
            ["pg_restore", *common, "--no-owner", "-d", scratch, str(dump)], env=env, check=True
        )
        counted = subprocess.run(
            ["psql", *common, "-tA", "-d", scratch, "-c", "SELECT count(*) FROM accounts_account"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        assert int(counted.stdout) == Account.objects.count() >= 1
    finally:
        subprocess.run(["dropdb", *common, "--if-exists", scratch], env=env, check=True)
