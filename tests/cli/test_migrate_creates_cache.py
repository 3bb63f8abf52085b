"""`smmpanel migrate` creates the database cache's table (the shared rate-limit counts)."""

import sqlite3

import pytest
from django.db import connection

from tests.conftest import run_cli


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a fresh SQLite data directory")
@pytest.mark.django_db
def test_migrate_creates_the_cache_table(smmpanel_env, tmp_path):
    env = {**smmpanel_env, "SMMPANEL_DATA_DIR": str(tmp_path)}
    env.pop("SMMPANEL_DATABASE_URL")
    result = run_cli(env, "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "smmpanel.sqlite3") as database:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    assert "smmpanel_cache" in tables
    assert "otp_totp_totpdevice" in tables
