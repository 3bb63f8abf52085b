"""Time API v2 requests in one process, through the panel's WSGI handler: µs per request per action.

    .venv/bin/python bench/inprocess.py [--requests N] [--rounds R] [--profile ACTION]
        [--database-url postgres://…/an_empty_database]

The same database and request bodies as bench/api.py (SQLite, or the PostgreSQL database given,
seeded by bench/seed.py), but no server and no wrk: each request is a WSGI call, so the figure is
the panel's own time per request, middleware included, measured as the process's CPU time (what
other processes take does not count). Rounds alternate between the actions so that a change of the
machine's load touches them all alike, and the best round of each counts (the least disturbed).

`--profile ACTION` prints cProfile's top functions for that action instead, by CPU time.
`--instructions` counts the instructions per request with valgrind: slow (minutes per action), but
the same figure however busy the machine is, to 0.1 k with PYTHONHASHSEED=0 (without it, ±2 %
from run to run). A script, not a test: pytest collects tests/ only.
"""

# ruff: noqa: E402 (Django is set up before the panel is imported)
import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from api import process_stat  # bench/api.py


def prepare(data_dir: Path, args: argparse.Namespace) -> dict:
    """Migrate and seed a fresh database (SQLite in `data_dir`, or `--database-url`'s); the
    seeding's reply."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("SMMPANEL_")}
    env.update(panel_env(data_dir, args.database_url))
    python = [sys.executable]
    subprocess.run([*python, "-m", "smmpanel", "migrate", "--verbosity", "0"], env=env, check=True)
    seeding = subprocess.run(
        [*python, str(BENCH / "seed.py"), f"--services={args.services}", f"--orders={args.orders}"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(seeding.stdout)


def panel_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    flush = os.environ.get("SMMPANEL_RATE_LIMIT_FLUSH_SECONDS", "0.5")
    database = {"SMMPANEL_DATABASE_URL": database_url} if database_url else {}
    return {
        **database,
        "SMMPANEL_RATE_LIMIT_FLUSH_SECONDS": flush,
        "SMMPANEL_DATA_DIR": str(data_dir),
        "SMMPANEL_LOG_LEVEL": "WARNING",
        "SMMPANEL_PUBLIC_URL": "http://127.0.0.1",
        "SMMPANEL_BENCH_CEILING": "1",
        "DJANGO_SETTINGS_MODULE": "smmpanel.settings",
    }


def caller(handler: Callable, path: str, body: dict[str, str] | None) -> Callable[[], bytes]:
    """One request of the load, as a server would pass it: a form POST, or a GET."""
    data = urlencode(body).encode() if body is not None else b""
    environ = {
        "REQUEST_METHOD": "POST" if body is not None else "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body is not None:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(data))

    def start_response(status: str, headers: list) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"{path} answered {status}")

    def call() -> bytes:
        response = handler({**environ, "wsgi.input": io.BytesIO(data)}, start_response)
        try:
            return b"".join(response)
        finally:
            if hasattr(response, "close"):  # as WSGI servers do (PEP 3333)
                response.close()

    return call


class Backend:
    """The PostgreSQL backend serving this process's requests (they run on one thread, so on one
    connection), and its CPU ticks so far; nothing on SQLite."""

    def __init__(self) -> None:
        self.pid: int | None = None

    def find(self) -> None:
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]

    def ticks(self) -> int:
        if self.pid is None:
            return 0
        return process_stat(self.pid)[1]

    def per_request(self, ticks: int, requests: int) -> str:
        if self.pid is None:
            return ""
        return f"{ticks * 1_000_000 / os.sysconf('SC_CLK_TCK') / requests:.0f}"


def chosen(actions: list[str], args: argparse.Namespace) -> list[str]:
    """The actions to measure, the ceiling first (the figures are compared with it)."""
    if args.profile:
        return [args.profile]
    wanted = args.actions.split(",") if args.actions else actions
    if unknown := set(wanted) - set(actions):
        raise SystemExit(f"unknown actions: {', '.join(sorted(unknown))}")
    return ["ceiling"] + [a for a in actions if a in wanted and a not in ("ceiling", "ceiling end")]


# Requests of an action before those counted (see count_instructions).
WARM_UP = 300


def instructions(data_dir: Path, action: str, requests: int) -> int:
    """The instructions a process runs to set up, warm up and serve `requests` of `action`."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    command += [sys.executable, __file__, "--data-dir", str(data_dir), "--only", action]
    if database_url := json.loads((data_dir / "seeded.json").read_text()).get("database_url"):
        command += ["--database-url", database_url]
    # The rate limits add their counts to the shared cache every half second: under valgrind,
    # every few requests, and more often the busier the machine. Once per run, as a real
    # server's thousands of requests per second make it.
    env = {**os.environ, "SMMPANEL_RATE_LIMIT_FLUSH_SECONDS": "1000000"}
    done = subprocess.run(
        [*command, "--requests", str(requests)], capture_output=True, text=True, check=True, env=env
    )
    for line in done.stderr.splitlines():
        if "I refs:" in line or "I   refs:" in line:
            return int(line.rsplit(":", 1)[1].replace(",", ""))
    raise RuntimeError(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")


def count_instructions(data_dir: Path, args: argparse.Namespace) -> None:
    """Instructions per request of each action: the difference between a run of 2N requests and
    one of N, divided by N (what both spend on starting up cancels out)."""
    seeded = json.loads((data_dir / "seeded.json").read_text())
    from api import loads

    actions = chosen([load.action for load in loads(seeded, random.Random(1))], args)
    n = args.requests
    print(f"\nInstructions per request (valgrind, {n} requests after {WARM_UP} of warm-up)")
    ceiling, width = None, max(map(len, actions))
    for action in actions:
        each = (instructions(data_dir, action, 2 * n) - instructions(data_dir, action, n)) / n
        ceiling = ceiling or each
        print(f"{action:<{width}} {each / 1000:>10,.1f} k {ceiling / each:>8.1%}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per action per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--profile", metavar="ACTION", help="profile one action instead")
    parser.add_argument("--profile-file", type=Path, help="with --profile: save the stats there")
    parser.add_argument("--data-dir", type=Path, help="an already seeded data directory")
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to seed and use (with --data-dir: the one seeded)",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="count instructions per request instead (valgrind): the same on a busy machine",
    )
    parser.add_argument("--actions", help="the actions to measure, comma-separated (all)")
    parser.add_argument("--only", metavar="ACTION", help=argparse.SUPPRESS)
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="smmpanel-inprocess-"))
    seeded_file = data_dir / "seeded.json"
    if seeded_file.exists():
        seeded = json.loads(seeded_file.read_text())
    else:
        print(f"… seeding {data_dir}", file=sys.stderr, flush=True)
        seeded = prepare(data_dir, args)
        seeded["database_url"] = args.database_url
        seeded_file.write_text(json.dumps(seeded))
    if args.instructions:
        count_instructions(data_dir, args)
        return
    os.environ.update(panel_env(data_dir, args.database_url or seeded.get("database_url")))

    from api import loads  # bench/api.py: the same bodies

    from smmpanel.wsgi import application as handler  # what `smmpanel serve` serves

    plan = {load.action: load for load in loads(seeded, random.Random(1))}
    calls = {
        action: [caller(handler, plan[action].path, body) for body in plan[action].bodies or [None]]
        for action in chosen(list(plan), args)
    }

    backend = Backend()
    database_ticks: dict[str, int] = {action: 0 for action in calls}

    def run(action: str, count: int, start: int = 0) -> float:
        """CPU µs per request over `count` requests of `action` (this process's CPU time: the
        time other processes of a shared machine take does not count). The database backend's
        CPU ticks meanwhile add up in `database_ticks`."""
        each = calls[action]
        ticks = backend.ticks()
        began = time.process_time_ns()
        for n in range(start, start + count):
            each[n % len(each)]()
        spent = (time.process_time_ns() - began) / count / 1000
        database_ticks[action] += backend.ticks() - ticks
        return spent

    if args.only:
        run(args.only, WARM_UP)
        run(args.only, args.requests, WARM_UP)
        return
    for action in calls:
        reply = calls[action][0]()
        if b'"error"' in reply:
            raise SystemExit(f"{action} answered an error: {reply[:200]!r}")
        run(action, min(args.requests, 300))  # warm-up
    backend.find()

    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.runcall(run, args.profile, args.requests * args.rounds)
        if args.profile_file:
            profile.dump_stats(args.profile_file)
        stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
        stats.print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        return

    figures: dict[str, list[float]] = {action: [] for action in calls}
    for number in range(args.rounds):
        for action in calls:
            figures[action].append(run(action, args.requests, number * args.requests))
    ceiling = min(figures["ceiling"])
    served = args.rounds * args.requests
    print(f"\nIn-process (the WSGI handler, form bodies), {args.rounds} rounds × {args.requests}")
    width = max(map(len, figures))
    print(
        f"{'action':<{width}} {'best µs':>8} {'median µs':>10} {'ceiling/best':>13} {'db µs':>7}"
        "  (CPU time)"
    )
    for action, times in figures.items():
        best = min(times)
        database = backend.per_request(database_ticks[action], served)
        print(
            f"{action:<{width}} {best:>8.1f} {statistics.median(times):>10.1f} "
            f"{ceiling / best:>13.1%} {database:>7}"
        )
    print("db µs: the PostgreSQL backend's CPU per request, mean of all rounds (ticks of 10 ms)")


if __name__ == "__main__":
    main()
