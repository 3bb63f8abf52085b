"""Load the API v2 endpoint action by action and compare each with the ceiling of the same stack.

    .venv/bin/python bench/api.py [--duration S] [--databases sqlite,postgres] [--customers N]

For each database: a fresh one (SQLite in a temporary data directory; PostgreSQL in the database
`smmpanel_bench`, created and dropped), migrated and seeded by bench/seed.py with 1,000 services,
N customers (1 by default: one hot customer) and 100,000 orders; then `smmpanel serve` with the
ceiling view on, and wrk with 16 connections on each action after a warm-up. The requests of each
action are spread over the N customers' keys in turn. Each action's reply is sampled with httpx
before and after its load, and wrk counts non-2xx replies, so that a broken action can't pass for
a fast one.

The ratios are to the ceiling: a bare view answering a constant JSON object through the whole
middleware, measured first and last (the yardstick the targets were set against, unchanged since).
The ceiling is also measured again after each action (unless --no-near): each action's near ratio
is to the mean of the ceiling just before and just after it, which a machine whose speed drifts
during a run (a shared one) disturbs much less.
API v2's requests skip the pages' middleware (smmpanel/api/middleware.py); the lane ceiling, the
same view through that lane, shows what an API request costs before its view. After add and
status ×100, their floors (smmpanel/api/floors.py): the same requests through that lane doing the
action's database work alone (add: the order's write, without the key's lookup, the checks or the
price; status ×100: the key's lookup with the orders' read, without the reply). A floor's ratio is
as far as that action could go on the stack measured, whatever its code.

Before the server starts, bench/statements.py sends each action's first requests through the
panel in-process and counts, per request, the statements and (PostgreSQL) the round trips to the
database: a change that adds one shows in the table without a profiler. During each load, the CPU
time of the server's processes and of the PostgreSQL backends serving it is divided by the
requests served: where each request's time goes.

Prints one table per database and saves the figures in bench/results/; exits 1 when an action
failed. A script, not a test: pytest collects tests/ only.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Self
from urllib.parse import urlencode

import httpx
import psycopg

BENCH = Path(__file__).resolve().parent
SMMPANEL = [sys.executable, "-m", "smmpanel"]
API = "/api/v2"
CEILING = "/api/bench/ceiling"
# The same bare view through the API's lane (smmpanel/api/middleware.py): what an API request
# costs before its view. Not a yardstick: the ratios stay to CEILING, as they always were.
LANE_CEILING = "/api/bench/lane"
# An action's floor: its database work alone, through the API's lane, no key lookup or checks for
# an add, no reply for a status (smmpanel/api/floors.py): what the action could cost at best.
# Measured with its action (`--actions`).
FLOOR = " floor"
ADD_FLOOR = "/api/bench/floor/add"
STATUS_FLOOR = "/api/bench/floor/status"
POSTGRES_DATABASE = "smmpanel_bench"
# Distinct request bodies per action, sent in turn (ids and links vary as in real traffic).
BODIES = 1000


@dataclass(frozen=True)
class Load:
    """One thing to measure: requests to a path (GET when there are no bodies)."""

    action: str
    path: str
    bodies: list[dict[str, str]]
    # The share of the ceiling's requests/s the action should reach (on SQLite only).
    target: float | None = None


@dataclass
class Result:
    action: str
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    non_2xx: int = 0
    socket_errors: int = 0
    # What was wrong with a sampled reply, if anything.
    problem: str | None = None
    # The share of the machine's CPU time that other processes than the server and wrk took
    # during the load: on a shared machine, what competed with this measurement.
    others_cpu: float = 0.0
    # CPU milliseconds per request: the server's processes, and the PostgreSQL backends serving
    # them (SQLite runs inside the server's processes).
    server_cpu_ms: float = 0.0
    database_cpu_ms: float = 0.0
    # Per request, counted in-process before the load (bench/statements.py); round trips are
    # None on SQLite.
    statements: float | None = None
    round_trips: float | None = None
    ratio: float | None = None
    # The ratio to the ceiling measured just before and just after this action (see `run`).
    near_ratio: float | None = None
    target: float | None = None

    @property
    def failed(self) -> bool:
        return bool(self.problem or self.non_2xx or self.socket_errors)


# --- databases and processes ----------------------------------------------------------------------
def panel_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment of every smmpanel process of a run: none of the caller's SMMPANEL_*."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SMMPANEL_")}
    env["SMMPANEL_DATA_DIR"] = str(data_dir)
    env["SMMPANEL_LOG_LEVEL"] = "WARNING"
    # Servers listen on 127.0.0.1 (ports vary; the host name is what the panel answers to).
    env["SMMPANEL_PUBLIC_URL"] = "http://127.0.0.1"
    if database_url:
        env["SMMPANEL_DATABASE_URL"] = database_url
    return env


@contextmanager
def sqlite_database(data_dir: Path, args: argparse.Namespace) -> Iterator[dict[str, str]]:
    # The database file lives in the data directory, removed with it.
    yield panel_env(data_dir, None)


@contextmanager
def postgres_database(data_dir: Path, args: argparse.Namespace) -> Iterator[dict[str, str]]:
    """A fresh `smmpanel_bench` database, dropped afterwards (a leftover one is replaced)."""
    drop = f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)"
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin:
        admin.execute(drop)
        admin.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
    try:
        yield panel_env(data_dir, f"{args.postgres}/{POSTGRES_DATABASE}")
    finally:
        with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as admin:
            admin.execute(drop)


DATABASES: dict[str, tuple[str, Callable]] = {
    "sqlite": ("SQLite", sqlite_database),
    "postgres": ("PostgreSQL", postgres_database),
}


def prepare(env: dict[str, str], args: argparse.Namespace) -> dict:
    """Migrate and seed the database; the seeding's reply (services, customers)."""
    subprocess.run([*SMMPANEL, "migrate", "--verbosity", "0"], env=env, check=True)
    seeding = subprocess.run(
        [
            sys.executable,
            BENCH / "seed.py",
            f"--services={args.services}",
            f"--orders={args.orders}",
            f"--customers={args.customers}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(seeding.stdout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    # The process group of the server and its workers.
    group: int


@contextmanager
def panel_server(env: dict[str, str], args: argparse.Namespace, log: Path) -> Iterator[Server]:
    """`smmpanel serve` with the ceiling view on, in its own process group."""
    port = free_port()
    command = [*SMMPANEL, "serve", "--host", "127.0.0.1", "--port", str(port)]
    # The server's own defaults unless the options say otherwise: what an operator runs.
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    with log.open("w") as output:
        # A session of its own: a Ctrl-C reaches the bench, which then stops the whole group.
        process = subprocess.Popen(
            command,
            env={**env, "SMMPANEL_BENCH_CEILING": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + CEILING, process, log)
        yield Server(url, process.pid)
    finally:
        stop(process)


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {url} within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stop the server gracefully, then make sure none of its worker processes outlive it."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


# --- CPU accounting (Linux) -----------------------------------------------------------------------
def machine_ticks() -> tuple[int, int]:
    """The machine's busy and total CPU ticks since boot."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def process_stat(pid: int | str) -> tuple[int, int]:
    """A process's group and the CPU ticks it has used so far (user and system)."""
    # After the command's closing parenthesis: state ppid pgrp … utime(12th) stime(13th).
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[2]), int(fields[11]) + int(fields[12])


def server_ticks(group: int) -> dict[int, int]:
    """The CPU ticks used so far by each process serving the bench: the server's process group,
    and the PostgreSQL backends connected to the bench database (named in their titles; their
    pids are negative here, to tell them apart)."""
    ticks = {}
    for process in Path("/proc").glob("[0-9]*"):
        with suppress(OSError, IndexError, ValueError):
            its_group, used = process_stat(process.name)
            title = (process / "cmdline").read_text()
            if its_group == group:
                ticks[int(process.name)] = used
            elif f" {POSTGRES_DATABASE} " in title:
                ticks[-int(process.name)] = used
    return ticks


def children_ticks() -> int:
    """The CPU ticks used by the bench's finished child processes (the wrk runs)."""
    times = os.times()
    return round((times.children_user + times.children_system) * os.sysconf("SC_CLK_TCK"))


@dataclass(frozen=True)
class CpuReading:
    busy: int
    total: int
    server: dict[int, int]
    wrk: int

    @classmethod
    def now(cls, server: Server) -> Self:
        busy, total = machine_ticks()
        return cls(busy, total, server_ticks(server.group), children_ticks())

    def others_since(self, earlier: Self) -> float:
        """The share of all CPU time that neither the server nor wrk used since `earlier`."""
        server = sum(self.serving_since(earlier))
        others = self.busy - earlier.busy - server - (self.wrk - earlier.wrk)
        return max(others, 0) / (self.total - earlier.total or 1)

    def serving_since(self, earlier: Self) -> tuple[int, int]:
        """The CPU ticks the server's processes and the database's backends used since
        `earlier`."""
        used = [(pid, ticks - earlier.server.get(pid, 0)) for pid, ticks in self.server.items()]
        server = sum(ticks for pid, ticks in used if pid > 0)
        return server, sum(ticks for pid, ticks in used if pid < 0)


# --- the loads ------------------------------------------------------------------------------------
def loads(seeded: dict, rng: random.Random) -> list[Load]:
    """The actions, each with BODIES request bodies; body n is the customer n mod N's."""
    customers = seeded["customers"]

    def form(n: int, action: str, **params: object) -> dict[str, str]:
        key = customers[n % len(customers)]["api_key"]
        return {"key": key, "action": action, **{name: str(v) for name, v in params.items()}}

    def order_form(n: int) -> dict[str, str]:
        service, low, high = rng.choice(seeded["services"])
        quantity = rng.randint(low, min(high, 10 * low))
        link = f"https://www.instagram.com/p/bench{n}/"
        return form(n, "add", service=service, link=link, quantity=quantity)

    def orders(n: int) -> list[int]:
        return customers[n % len(customers)]["orders"]

    every = range(BODIES)
    # Made in this order, whatever the order of the loads: the same bodies from run to run.
    adds = [order_form(n) for n in every]
    statuses = [form(n, "status", order=rng.choice(orders(n))) for n in every]
    hundreds = [
        form(n, "status", orders=",".join(map(str, rng.sample(orders(n), 100)))) for n in every
    ]
    return [
        Load("ceiling", CEILING, []),
        Load("lane ceiling", LANE_CEILING, []),
        Load("balance", API, [form(n, "balance") for n in range(len(customers))], target=0.50),
        Load("services", API, [form(n, "services") for n in range(len(customers))], target=0.10),
        Load("add", API, adds, target=0.25),
        # The same orders, their write alone (smmpanel/api/floors.py).
        Load("add floor", ADD_FLOOR, adds),
        Load("status", API, statuses, target=0.50),
        Load("status ×100", API, hundreds, target=0.25),
        # The same reads, without their replies.
        Load("status ×100 floor", STATUS_FLOOR, hundreds),
        # Measured again last: on a shared machine the two differ when the load on it changed.
        Load("ceiling end", CEILING, []),
    ]


def count_statements(
    env: dict[str, str], plan: list[Load], workdir: Path
) -> dict[str, dict[str, float | None]]:
    """bench/statements.py's counts per action (in-process, on the seeded database)."""
    actions = {load.action: [load.path, load.bodies] for load in plan if load.bodies}
    path = workdir / "statements.json"
    path.write_text(json.dumps(actions))
    done = subprocess.run(
        [sys.executable, BENCH / "statements.py", path],
        env={**env, "SMMPANEL_BENCH_CEILING": "1"},  # the floors' views
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench/statements.py failed:\n{done.stderr}")
    return json.loads(done.stdout)


def first_error(reply: object) -> str | None:
    """The first `{"error": …}` anywhere in a reply (a multiple status nests one per order)."""
    if isinstance(reply, dict):
        if "error" in reply:
            return str(reply["error"])
        children = list(reply.values())
    elif isinstance(reply, list):
        children = reply
    else:
        return None
    return next((error for child in children if (error := first_error(child))), None)


def sample(url: str, load: Load) -> str | None:
    """What is wrong with the reply to the load's first request, or None."""
    try:
        if load.bodies:
            reply = httpx.post(url + load.path, data=load.bodies[0], timeout=30)
        else:
            reply = httpx.get(url + load.path, timeout=30)
    except httpx.HTTPError as error:
        return f"no reply: {error!r}"
    if reply.status_code != 200:
        return f"HTTP {reply.status_code}"
    try:
        data = reply.json()
    except ValueError:
        return "the reply is not JSON"
    if not data:
        return "an empty reply"
    if error := first_error(data):
        return f"error reply: {error}"
    return None


def wrk(url: str, bodies: Path | None, seconds: int, args: argparse.Namespace) -> dict:
    """One wrk run; its RESULT line (see bench/api.lua)."""
    command = ["wrk", f"-t{args.wrk_threads}", f"-c{args.connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-s", str(BENCH / "api.lua"), url]
    if bodies:
        command += ["--", str(bodies)]
    done = subprocess.run(command, capture_output=True, text=True)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def measure(server: Server, load: Load, workdir: Path, args: argparse.Namespace) -> Result:
    url = server.url
    result = Result(load.action)
    if problem := sample(url, load):
        result.problem = f"before the load: {problem}"
        return result
    bodies = None
    if load.bodies:
        bodies = workdir / f"{load.action.replace(' ', '_')}.bodies"
        bodies.write_text("".join(urlencode(body) + "\n" for body in load.bodies))
    wrk(url + load.path, bodies, args.warmup, args)
    before = CpuReading.now(server)
    figures = wrk(url + load.path, bodies, args.duration, args)
    after = CpuReading.now(server)
    result.others_cpu = after.others_since(before)
    if figures["requests"]:
        tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
        server_ticks, database_ticks = after.serving_since(before)
        result.server_cpu_ms = server_ticks * tick_ms / figures["requests"]
        result.database_cpu_ms = database_ticks * tick_ms / figures["requests"]
    result.requests = figures["requests"]
    result.requests_per_second = figures["requests"] / (figures["duration_us"] / 1e6)
    result.p50_ms = figures["p50_us"] / 1000
    result.p99_ms = figures["p99_us"] / 1000
    result.non_2xx = figures["non_2xx"]
    result.socket_errors = figures["socket_errors"]
    if problem := sample(url, load):
        result.problem = f"after the load: {problem}"
    return result


def run(database: str, args: argparse.Namespace) -> list[Result]:
    """Everything for one database, which is gone (with its server) when this returns."""
    title, open_database = DATABASES[database]
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="smmpanel-bench-")))
        env = stack.enter_context(open_database(workdir, args))
        progress(
            f"{title}: migrating and seeding {args.services} services, {args.orders} orders, "
            f"{args.customers} customers"
        )
        seeded = prepare(env, args)
        plan = loads(seeded, random.Random(1))
        if args.actions:
            plan = [
                load
                for load in plan
                if load.path in (CEILING, LANE_CEILING)
                or load.action.removesuffix(FLOOR) in args.actions
            ]
        progress(f"{title}: counting statements")
        counts = count_statements(env, plan, workdir)
        server = stack.enter_context(panel_server(env, args, workdir / "serve.log"))
        results = []
        # The ceiling's rate as last measured, and the action measured since, if any.
        last_ceiling, waiting = 0.0, None
        for number, load in enumerate(plan):
            progress(f"{title}: {load.action}")
            results.append(measure(server, load, workdir, args))
            if load.action in counts:
                results[-1].statements = counts[load.action]["statements"]
                results[-1].round_trips = counts[load.action]["round_trips"]
            if not args.near or load.path == LANE_CEILING:
                continue
            if load.path == CEILING:
                ceiling_now = results[-1].requests_per_second
            else:
                waiting = results[-1]
                if plan[number + 1].path == CEILING:
                    continue  # the next load measures it
                progress(f"{title}: ceiling after {load.action}")
                ceiling_now = measure(server, plan[0], workdir, args).requests_per_second
            if waiting is not None:
                near = (last_ceiling + ceiling_now) / 2
                waiting.near_ratio = waiting.requests_per_second / near if near else None
            last_ceiling, waiting = ceiling_now, None
    ceilings = [r for r, load in zip(results, plan, strict=True) if load.path == CEILING]
    ceiling = sum(r.requests_per_second for r in ceilings) / len(ceilings)
    for result, load in zip(results, plan, strict=True):
        result.ratio = result.requests_per_second / ceiling if ceiling else None
        result.target = load.target if database == "sqlite" else None
    return results


# --- the report -----------------------------------------------------------------------------------
def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def verdict(result: Result) -> str:
    if result.failed:
        return "FAILED"
    if result.target is None or result.ratio is None:
        return ""
    return "ok" if result.ratio >= result.target else "MISS"


def print_table(database: str, results: list[Result], args: argparse.Namespace) -> None:
    title = DATABASES[database][0]
    workers = args.workers or "(serve's default)"
    threads = args.threads or "(serve's default)"
    print(
        f"\n{title}: {workers} workers × {threads} threads, {args.connections} "
        f"connections, {args.customers} customer(s), {args.duration} s per action after "
        f"{args.warmup} s of warm-up"
    )
    width = max(len(result.action) for result in results)
    header = f"{'action':<{width}} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>8} "
    header += f"{'near':>6} {'target':>7}  {'':<6} {'non-2xx':>7} {'others':>6} "
    print(header + f"{'stmts':>6} {'trips':>6} {'cpu ms':>6} {'db ms':>6}")
    for result in results:
        ratio = f"{result.ratio:.1%}" if result.ratio is not None else "–"
        near = f"{result.near_ratio:.1%}" if result.near_ratio is not None else ""
        target = f"≥{result.target:.0%}" if result.target is not None else ""
        errors = result.non_2xx + result.socket_errors
        statements = f"{result.statements:.1f}" if result.statements is not None else ""
        trips = f"{result.round_trips:.1f}" if result.round_trips is not None else ""
        database_ms = f"{result.database_cpu_ms:.2f}" if database == "postgres" else ""
        print(
            f"{result.action:<{width}} {result.requests_per_second:>8,.0f} {result.p50_ms:>8.1f} "
            f"{result.p99_ms:>8.1f} {ratio:>8} {near:>6} {target:>7}  {verdict(result):<6} "
            f"{errors:>7} "
            f"{result.others_cpu:>6.0%} {statements:>6} {trips:>6} "
            f"{result.server_cpu_ms:>6.2f} {database_ms:>6}"
            + (f"  {result.problem}" if result.problem else "")
        )
    print(
        "ratio: of the mean of the two ceiling runs (a bare view through the whole middleware; "
        "the lane ceiling is the same view through the API's lane, past the pages' middleware, "
        "as the API's requests go; a floor is its action's database work alone through that "
        "lane, smmpanel/api/floors.py); near: of the mean of the ceiling runs just before and "
        "just after the action (steadier where the machine's speed drifts during a run); "
        "others: the share of the machine's CPU "
        "that processes other than the server and wrk took meanwhile; stmts, trips: statements "
        "and round trips to the database per request (counted in-process); cpu ms, db ms: CPU "
        "time per request of the server's processes and of the PostgreSQL backends"
    )


def save(results: dict[str, list[Result]], args: argparse.Namespace) -> Path:
    directory = BENCH / "results"
    directory.mkdir(exist_ok=True)
    path = directory / f"api-{time.strftime('%Y%m%d-%H%M%S')}.json"
    data = {
        "settings": {
            name: sorted(value) if isinstance(value, set) else value
            for name, value in vars(args).items()
            if name != "postgres"
        },
        "results": {db: [asdict(result) for result in rows] for db, rows in results.items()},
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


# --- the command ----------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per action")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per action")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--workers", type=int, help="server worker processes (serve's default)")
    parser.add_argument("--threads", type=int, help="threads per worker (serve's default)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--customers",
        type=int,
        default=1,
        help="customers whose keys the requests use in turn (1: one hot customer)",
    )
    parser.add_argument("--actions", help="only these actions (comma-separated), and the ceiling")
    parser.add_argument(
        "--near",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the ceiling again after each action, for each action's near ratio",
    )
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument(
        "--postgres",
        default="postgres://postgres@127.0.0.1:5432",
        help="the PostgreSQL server, without a database name",
    )
    args = parser.parse_args()
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if args.actions:
        args.actions = {name.strip() for name in args.actions.split(",") if name.strip()}
    if args.customers < 1:
        parser.error("--customers must be at least 1")
    if unknown := set(args.databases) - set(DATABASES):
        parser.error(f"unknown database {', '.join(sorted(unknown))}; use {', '.join(DATABASES)}")
    if not shutil.which("wrk"):
        parser.error("wrk is not installed")
    return args


def _interrupt(signum: int, frame: object) -> None:
    # The first Ctrl-C (or SIGTERM) stops the bench; later ones must not cut its cleanup short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> None:
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    results = {}
    try:
        for database in args.databases:
            results[database] = run(database, args)
            print_table(database, results[database], args)
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, databases removed", file=sys.stderr)
        raise SystemExit(130) from None
    print(f"\nFigures saved in {save(results, args)}")
    if any(result.failed for rows in results.values() for result in rows):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
