import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.db import connection

# The fake upstream provider and its fixtures (tests/providers/, tests/backoffice/, tests/orders/).
pytest_plugins = ["tests.providers.fixtures"]


@dataclass
class PanelServer:
    """A real `smmpanel serve` process on the test database."""

    url: str
    env: dict

    @property
    def api(self) -> str:
        return f"{self.url}/api/v2"

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return run_cli(self.env, *args)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The test database (pytest-django renamed it), as an `SMMPANEL_DATABASE_URL`."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"]
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{database['HOST']}:{database['PORT'] or 5432}/"
        f"{database['NAME']}"
    )


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            httpx.get(f"{url}/api/v2", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


def start_process(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "smmpanel", *args],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@contextmanager
def serving(env: dict, log: Path, workers: int) -> Iterator[PanelServer]:
    """A `smmpanel serve` process with `workers` workers, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The links it gives out point at itself, and it answers to that host name.
    env = {**env, "SMMPANEL_PUBLIC_URL": url}
    process = start_process(["serve", "--port", str(port), "--workers", str(workers)], env, log)
    try:
        wait_until_up(url, process)
        yield PanelServer(url=url, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def smmpanel_env(django_db_setup, tmp_path_factory) -> dict:
    """The environment of `smmpanel` commands working on the test database."""
    data_dir = tmp_path_factory.mktemp("server-data")
    return {
        **os.environ,
        "SMMPANEL_DATA_DIR": str(data_dir),
        "SMMPANEL_DATABASE_URL": database_url(),
        "SMMPANEL_SECRET_KEY": settings.SECRET_KEY,
        "SMMPANEL_CURRENCY": settings.CURRENCY,
        # Payment notifications signed by the tests with the sandbox's secret (of SECRET_KEY).
        "SMMPANEL_PAYMENT_SANDBOX": "1",
        "DJANGO_SETTINGS_MODULE": "smmpanel.settings",
    }


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "smmpanel", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def close_server_connections(django_db_blocker) -> None:
    """The server's worker processes can outlive its main process by a moment, holding database
    connections; PostgreSQL refuses to drop the test database while any is open."""
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(scope="session", autouse=True)
def _pooler_lets_go(request) -> Iterator[None]:
    """Behind a pooler in transaction mode (SMMPANEL_DATABASE_TRANSACTION_POOLING), the test
    database's server connections outlive the tests' own, and PostgreSQL refuses to drop it while
    any is open: they are ended, from the server's `postgres` database, before it is dropped."""
    if not os.environ.get("SMMPANEL_DATABASE_TRANSACTION_POOLING"):
        yield
        return
    request.getfixturevalue("django_db_setup")
    yield
    import psycopg

    database = connection.settings_dict
    connection.close()
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            [database["NAME"]],
        )


@pytest.fixture(scope="session")
def panel_server(smmpanel_env, django_db_blocker) -> Iterator[PanelServer]:
    """`smmpanel serve` with 2 workers on the test database, for the whole session.

    Tests that talk to it use `transactional_db`, so that what they create is committed and
    visible to the server process.
    """
    log = Path(smmpanel_env["SMMPANEL_DATA_DIR"]) / "serve.log"
    try:
        with serving(smmpanel_env, log, workers=2) as server:
            yield server
    finally:
        close_server_connections(django_db_blocker)


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts with nothing kept by the process caches (`versions.cache`): test
    databases reuse ids, and rolled-back tests the versions' numbers."""
    from smmpanel.versions import cache as versions

    versions.forget()
    yield
    versions.forget()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """A request handled in a test leaves its language active in the thread (LocaleMiddleware
    does not deactivate it): each test starts, and leaves, in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
