"""The panel's processes and its database: demo, migrate, serve, worker, audit, backup, restore."""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from smmpanel.cli.output import CommandError, format_money, show


def cmd_migrate(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    # The database cache's table (rate-limit counters) when Redis is not configured.
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# On SQLite one thread per process and one process per core: requests are CPU work (the database
# runs inside the processes), and threads of one process take turns on its interpreter lock.
# Measured with bench/api.py: more requests per second, for every action, than 4 processes × 4
# threads.
DEFAULT_THREADS = 1
# On PostgreSQL two processes per core and four threads each: a request spends much of its time
# waiting for the database server, above all for an order's commit to reach the disk, and
# meanwhile its process serves another. Measured with bench/api.py (4 processes on 2 cores, one
# run after the other): 4 threads served balance 1,256 req/s against 958 with 1, status 923
# against 329, add 177 against 154.
POSTGRESQL_THREADS = 4


def default_workers() -> int:
    """The number of server processes when `--workers` is not given (Django set up)."""
    from django.db import connection

    cores = os.cpu_count() or 1
    return cores if connection.vendor == "sqlite" else 2 * cores


def default_threads() -> int:
    """The threads per server process when `--threads` is not given (Django set up)."""
    from django.db import connection

    return DEFAULT_THREADS if connection.vendor == "sqlite" else POSTGRESQL_THREADS


def metrics_directory(port: int) -> Path:
    """Where the server processes keep their counted metrics for `/metrics` to add up (the
    operator's PROMETHEUS_MULTIPROC_DIR, else one per port in the data directory), emptied: the
    counts start at zero with the server, as a single process's would."""
    from django.conf import settings

    directory = Path(
        os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.DATA_DIR / "metrics" / str(port)
    )
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    # Read by prometheus_client when the processes import it (they are started after this).
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return directory


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Run the production server (granian, WSGI) until interrupted."""
    from django.conf import settings
    from granian import Granian
    from granian.constants import Interfaces

    from smmpanel import publicurl
    from smmpanel.backup import running

    # Before the processes start, with a message that says what to set.
    if not settings.PUBLIC_URL:
        raise CommandError(publicurl.MISSING)
    metrics_directory(port)
    if not settings.STATIC_ROOT.exists():
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    server = Granian(
        "smmpanel.wsgi:application",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        static_path_route=["/static"],
        static_path_mount=[settings.STATIC_ROOT],
        log_access=False,
    )
    # `smmpanel restore` refuses to replace the database of a running panel.
    with running():
        server.serve()


def cmd_serve(args: argparse.Namespace) -> None:
    serve(
        args.host, args.port, args.workers or default_workers(), args.threads or default_threads()
    )


def cmd_worker(args: argparse.Namespace) -> None:
    import threading

    from django.conf import settings

    from smmpanel.worker.loop import run_forever

    if settings.WORKER_METRICS_PORT:
        from smmpanel.monitoring import worker_endpoint

        worker_endpoint.start(settings.WORKER_METRICS_HOST, settings.WORKER_METRICS_PORT)

    stop = threading.Event()
    # SIGTERM finishes the row in hand and exits; leases cover a worker that dies harder.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    from smmpanel.backup import running

    with running():
        run_forever(stop)


def cmd_audit(args: argparse.Namespace) -> None:
    from smmpanel.accounts.ledger import audit
    from smmpanel.accounts.models import Account

    mismatched = audit()
    checked = Account.objects.count()
    data = {
        "accounts": checked,
        "mismatched": [
            {
                "username": str(account),
                "balance": format_money(account.balance),
                "ledger": format_money(total),
            }
            for account, total in mismatched
        ],
    }
    lines = [f"checked {checked} accounts: {len(mismatched)} mismatched"]
    lines += [f"  {a}: balance {a.balance} != ledger {total}" for a, total in mismatched]
    show(args, data, "\n".join(lines))
    if mismatched:
        raise SystemExit(1)


# The demo runs over plain http on the local machine: the HTTPS-only settings are off for it.
DEMO_ENVIRONMENT = {
    "SMMPANEL_SECURE_SSL_REDIRECT": "0",
    "SMMPANEL_SECURE_COOKIES": "0",
    "SMMPANEL_HSTS_SECONDS": "0",
    # A newcomer can add funds at once: the sandbox gateway (no real money) is offered.
    "SMMPANEL_PAYMENT_SANDBOX": "1",
}


def demo_environment(host: str, port: int) -> dict[str, str]:
    """The demo's settings: plain http, and its own address as the public one."""
    environment = dict(DEMO_ENVIRONMENT)
    if host in ("0.0.0.0", "::", ""):
        # Listening on every interface: links name this machine, and any host name is answered.
        environment["SMMPANEL_ALLOWED_HOSTS"] = "*"
        host = "127.0.0.1"
    netloc = f"[{host}]" if ":" in host else host
    environment["SMMPANEL_PUBLIC_URL"] = f"http://{netloc}:{port}"
    return environment


def cmd_demo(args: argparse.Namespace) -> None:
    from django.conf import settings

    from smmpanel.demo import seed

    cmd_migrate(argparse.Namespace(verbosity=0))
    info = seed()
    base = settings.PUBLIC_URL
    print(f"smmpanel demo, data in {settings.DATA_DIR}")
    print(f"  back-office (operators): {base}/backoffice/")
    print(f"      log in as {info['admin']}, password {info['password']}")
    print(f"  customer panel:          {base}/")
    print(f"      log in as {info['customer']}, password {info['customer_password']}")
    print(f"      balance {info['balance']} {settings.CURRENCY}")
    print(f"  API endpoint:            {base}/api/v2")
    if info["api_key"]:
        print(f"  demo API key:            {info['api_key']}")
    else:
        print("  demo API key: shown when first created; `smmpanel user create` makes another")
    print(f"  try: curl -s {base}/api/v2 -d key=KEY -d action=services")
    print(f"  the Django admin (raw tables): {base}/admin/")
    print(
        "The operator and the customer have different passwords, kept in the data directory "
        "(demo-admin-password, demo-customer-password)."
    )
    print("Ctrl-C stops the panel.", flush=True)
    # The background processing runs beside the server and stops with it.
    worker = subprocess.Popen([sys.executable, "-m", "smmpanel", "worker"])
    try:
        serve(args.host, args.port, workers=args.workers, threads=DEFAULT_THREADS)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=10)


def cmd_backup(args: argparse.Namespace) -> None:
    from pathlib import Path

    from smmpanel.backup import backup

    target = backup(target=Path(args.path))
    size = target.stat().st_size
    show(args, {"path": str(target), "bytes": size}, f"backup written to {target} ({size} bytes)")


def cmd_restore(args: argparse.Namespace) -> None:
    from pathlib import Path

    from smmpanel.backup import restore

    target = restore(source=Path(args.path), force=args.force)
    show(args, {"path": str(target)}, f"database {target} restored from {args.path}")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """demo, migrate, serve, worker, audit."""
    demo = commands.add_parser("demo", help="set up and run a demo panel on SQLite")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--workers", type=int, default=2)
    demo.set_defaults(handler=cmd_demo)

    migrate = commands.add_parser("migrate", help="create or update the database tables")
    migrate.add_argument("--verbosity", type=int, default=1)
    migrate.set_defaults(handler=cmd_migrate)

    serve_ = commands.add_parser("serve", help="run the production HTTP server")
    serve_.add_argument("--host", default="127.0.0.1")
    serve_.add_argument("--port", type=int, default=8000)
    serve_.add_argument(
        "--workers",
        type=int,
        help="worker processes (default: 1 per core on SQLite, 2 per core on PostgreSQL)",
    )
    serve_.add_argument(
        "--threads",
        type=int,
        help="threads per worker process (default: 1 on SQLite, 4 on PostgreSQL)",
    )
    serve_.set_defaults(handler=cmd_serve)

    commands.add_parser("worker", help="run the background processing").set_defaults(
        handler=cmd_worker
    )

    audit = commands.add_parser("audit", help="check every balance against its ledger")
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(handler=cmd_audit)


def add_backup_commands(commands: argparse._SubParsersAction) -> None:
    """backup, restore (registered after the others: `smmpanel --help` lists them last)."""
    backup = commands.add_parser("backup", help="copy the SQLite database, while it runs")
    backup.add_argument("path")
    backup.add_argument("--json", action="store_true")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the SQLite database with a backup")
    restore.add_argument("path")
    restore.add_argument("--force", action="store_true", help="even while the panel runs")
    restore.add_argument("--json", action="store_true")
    restore.set_defaults(handler=cmd_restore)
