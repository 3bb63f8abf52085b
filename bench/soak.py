"""Soak: a reseller on PostgreSQL (two API servers, two workers) forwarding to a real upstream
smmpanel behind a fault-injecting proxy, loaded by concurrent clients with retries, with a worker
and an API server killed (-9) and restarted in the middle. Not a test (pytest collects tests/).

    .venv/bin/python bench/soak.py [--orders 3000] [--clients 16] [--seconds 600] [--short]
                                   [--postgres postgres://postgres@127.0.0.1:5432]

The upstream is `smmpanel serve` + `smmpanel worker` with simulated fulfilment (Completed or
Partial after a few seconds; Canceled or Partial when the clients cancel), behind
bench/faulty_proxy.py (errors, timeouts before and after placing, HTTP 500, HTML, truncated JSON).
Each order has its own idempotency key and link. At the end, after every order has settled (a
final status, or in review), it checks: `smmpanel audit` on both panels; every acknowledged order
exists under its key, one order per key; no upstream order placed twice (one per link upstream,
one live attempt per order at the reseller); every order placed upstream is known to the reseller
as sent or in review; final statuses agree with the upstream's. Prints the figures; exits 1 when
an invariant is violated. Databases `smmpanel_soak_upstream` and `smmpanel_soak_reseller` are
created and dropped.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from api import free_port, panel_env, stop  # noqa: E402
from faulty_proxy import FaultyProxy  # noqa: E402
from soak_clients import Load, run_clients  # noqa: E402

SMMPANEL = [sys.executable, "-m", "smmpanel"]
FINAL = ("Completed", "Partial", "Canceled")
PROVIDER_TIMEOUT = 2.0


@dataclass
class Options:
    orders: int = 3000
    clients: int = 16
    seconds: float = 600  # at most this long placing orders
    settle_seconds: float = 240  # at most this long waiting for every order to settle
    fault_rate: float = 0.15
    postgres: str = "postgres://postgres@127.0.0.1:5432"
    prefix: str = "smmpanel_soak"
    chaos: bool = True


@dataclass
class Process:
    """A `smmpanel` process in its own session (a kill -9 takes its children too)."""

    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None
    url: str = ""

    def start(self) -> "Process":
        with self.log.open("a") as output:
            self.popen = subprocess.Popen(
                [*SMMPANEL, *self.args], env=self.env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        if self.url:
            _wait_up(self.url, self.popen, self.log)
        return self

    def restart(self, tries: int = 5) -> None:
        """Start again (the port of a killed server may take a moment to be free)."""
        for left in reversed(range(tries)):
            try:
                self.start()
                return
            except RuntimeError:
                if not left:
                    raise
                time.sleep(1)

    def kill(self) -> None:
        assert self.popen
        with suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            stop(self.popen)


def _wait_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited:\n{log.read_text()[-2000:]}")
        try:
            httpx.post(url, data={"action": "balance"}, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def cli(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run([*SMMPANEL, *args, "--json"], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"smmpanel {' '.join(args)}: {done.stdout}{done.stderr}")
    return json.loads(done.stdout)


@contextmanager
def database(options: Options, name: str) -> Iterator[str]:
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{options.postgres}/{name}"
    finally:
        with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as admin:
            admin.execute(drop)


@dataclass
class Soak:
    """The running system: what the clients and the checks need."""

    upstream_db: str
    reseller_db: str
    upstream_env: dict[str, str]
    reseller_env: dict[str, str]
    servers: list[Process]
    workers: list[Process]
    proxy: FaultyProxy
    api_key: str
    service: int
    chaos_log: list[str] = field(default_factory=list)


def start(options: Options, stack: ExitStack, work: Path) -> Soak:
    upstream_db = stack.enter_context(database(options, f"{options.prefix}_upstream"))
    reseller_db = stack.enter_context(database(options, f"{options.prefix}_reseller"))
    (work / "upstream").mkdir()
    (work / "reseller").mkdir()
    upstream_env = {
        **panel_env(work / "upstream", upstream_db), "SMMPANEL_SECRET_KEY": "soak-upstream",
        "SMMPANEL_SIMULATED_SECONDS": "3", "SMMPANEL_SIMULATED_PARTIAL_PERCENT": "30",
        "SMMPANEL_WORKER_TICK_SECONDS": "0.2",
    }  # fmt: skip
    reseller_env = {
        **panel_env(work / "reseller", reseller_db), "SMMPANEL_SECRET_KEY": "soak-reseller",
        "SMMPANEL_ALLOW_PRIVATE_PROVIDERS": "1",
        "SMMPANEL_PROVIDER_TIMEOUT_SECONDS": str(PROVIDER_TIMEOUT),
        "SMMPANEL_PROVIDER_POLL_SECONDS": "1", "SMMPANEL_PROVIDER_POLL_MAX_SECONDS": "4",
        "SMMPANEL_WORKER_TICK_SECONDS": "0.2", "SMMPANEL_WORKER_LEASE_SECONDS": "30",
    }  # fmt: skip
    for env in (upstream_env, reseller_env):
        env["DJANGO_SETTINGS_MODULE"] = "smmpanel.settings"  # not the caller's (tests.settings)
        subprocess.run([*SMMPANEL, "migrate", "--verbosity", "0"], env=env, check=True)

    reseller_there = cli(upstream_env, "user", "create", "reseller", "--balance", "10000000")
    cli(upstream_env, "service", "create", "--name", "Soak followers", "--category", "Instagram",
        "--type", "Default", "--rate", "1", "--min", "10", "--max", "10000", "--cancel",
        "--fulfilment", "simulated")  # fmt: skip
    processes: list[Process] = []
    stack.callback(lambda: [process.stop() for process in reversed(processes)])

    def spawn(args: list[str], env: dict[str, str], name: str, port: int = 0) -> Process:
        url = f"http://127.0.0.1:{port}/api/v2" if port else ""
        process = Process(args, env, work / f"{name}.log", url=url)
        processes.append(process)
        return process.start()

    upstream_port = free_port()
    spawn(["serve", "--port", str(upstream_port), "--workers", "2", "--threads", "8"],
          upstream_env, "upstream-serve", upstream_port)  # fmt: skip
    spawn(["worker"], upstream_env, "upstream-worker")
    proxy = FaultyProxy(
        f"http://127.0.0.1:{upstream_port}/api/v2", rate=options.fault_rate,
        hold=PROVIDER_TIMEOUT + 1,
    ).start()  # fmt: skip
    stack.callback(proxy.stop)

    cli(reseller_env, "provider", "add", "upstream", "--url", proxy.url,
        "--key", reseller_there["api_key"], "--dialect", "form")  # fmt: skip
    imported = cli(reseller_env, "provider", "import", "upstream", "--markup", "25%")
    buyer = cli(reseller_env, "user", "create", "buyer", "--balance", "10000000")
    servers = [
        spawn(["serve", "--port", str(port), "--workers", "2", "--threads", "8"],
              reseller_env, f"reseller-serve-{n}", port)
        for n, port in enumerate((free_port(), free_port()))
    ]  # fmt: skip
    workers = [spawn(["worker"], reseller_env, f"reseller-worker-{n}") for n in range(2)]
    proxy.enabled = True
    return Soak(upstream_db, reseller_db, upstream_env, reseller_env, servers, workers, proxy,
                buyer["api_key"], imported["created"][0])  # fmt: skip


def chaos(soak: Soak, load: Load, at: int) -> None:
    """Once `at` orders are acknowledged: kill -9 a worker and an API server, restart both."""
    try:
        _chaos(soak, load, at)
    except Exception as error:  # noqa: BLE001 - reported as a violation
        soak.chaos_log.append(f"failed: {error}")


def _chaos(soak: Soak, load: Load, at: int) -> None:
    while len(load.acked) < at and not load.done.is_set():
        time.sleep(0.05)
    if load.done.is_set():
        return
    for process in (soak.workers[0], soak.servers[0]):
        process.kill()
        soak.chaos_log.append(f"kill -9 {' '.join(process.args[:1])} after {len(load.acked)}")
    time.sleep(1)
    for process in (soak.workers[0], soak.servers[0]):
        process.restart()
    soak.chaos_log.append(f"both restarted after {len(load.acked)} orders")


def unsettled(soak: Soak) -> int:
    """Orders neither final nor in review, or still claimed by a worker (a worker whose claim
    was taken over may yet learn the upstream id of an order put in review meanwhile)."""
    with psycopg.connect(soak.reseller_db) as db:
        row = db.execute(
            "SELECT count(*) FROM orders_order o WHERE o.lease_expires_at > now() OR"
            " o.status <> ALL(%s) AND NOT EXISTS (SELECT 1 FROM providers_upstreamorder u"
            " WHERE u.order_id = o.id AND u.state = 'review')",
            [list(FINAL)],
        ).fetchone()
    assert row
    return row[0]


def settle(soak: Soak, seconds: float) -> tuple[float, int]:
    """Wait until every order is final or in review (at most `seconds`); the time it took and
    how many were left."""
    started = time.monotonic()
    left = unsettled(soak)
    while left and time.monotonic() - started < seconds:
        time.sleep(1)
        left = unsettled(soak)
    return time.monotonic() - started, left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--short", action="store_true", help="CI: 300 orders, 8 clients")
    parser.add_argument("--fault-rate", type=float, default=0.15)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs")
    args = parser.parse_args()
    options = Options(
        orders=300 if args.short else args.orders, clients=8 if args.short else args.clients,
        seconds=min(args.seconds, 90) if args.short else args.seconds,
        settle_seconds=90 if args.short else 240, fault_rate=args.fault_rate,
        postgres=args.postgres,
    )  # fmt: skip
    from soak_checks import check, report

    work = Path(tempfile.mkdtemp(prefix="smmpanel-soak-"))
    failed = True
    try:
        with ExitStack() as stack:
            soak = start(options, stack, work)
            load = run_clients(soak, options, chaos if options.chaos else None)
            took, left = settle(soak, options.settle_seconds)
            violations = check(soak, load, left)
            report(soak, load, options, took, violations)
            failed = bool(violations)
    finally:
        if failed or args.keep_logs:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
