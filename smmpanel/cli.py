"""The `smmpanel` command. Scripts rely on these exact forms; `--json` prints one JSON object."""

import argparse
import json
import os
import signal
import subprocess
import sys
from decimal import Decimal


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smmpanel.settings")
    import django

    django.setup()


class CommandError(Exception):
    pass


def _print(args: argparse.Namespace, data: dict, text: str) -> None:
    print(json.dumps(data) if getattr(args, "json", False) else text)


def _money(amount: Decimal) -> str:
    from django.conf import settings

    from smmpanel.money import format_amount

    return format_amount(amount, settings.CURRENCY)


def _amount(text: str) -> Decimal:
    from smmpanel.money import MoneyFormatError, parse_amount

    try:
        return parse_amount(text)
    except MoneyFormatError as error:
        raise CommandError(str(error)) from None


# --- database and processes -------------------------------------------------------------------
def cmd_migrate(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    # The database cache's table (rate-limit counters) when Redis is not configured.
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# One thread per process: requests are CPU work, and threads of one process take turns on its
# interpreter lock. On SQLite one process per core (the database runs inside them); on PostgreSQL
# two, so that a core has work while a request waits on the database server. Measured with
# bench/api.py: these served more requests per second, for every action, than 4 processes × 4
# threads.
DEFAULT_THREADS = 1


def default_workers() -> int:
    """The number of server processes when `--workers` is not given (Django set up)."""
    from django.db import connection

    cores = os.cpu_count() or 1
    return cores if connection.vendor == "sqlite" else 2 * cores


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
    serve(args.host, args.port, args.workers or default_workers(), args.threads)


def cmd_worker(args: argparse.Namespace) -> None:
    import threading

    from smmpanel.worker.loop import run_forever

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
            {"username": str(account), "balance": _money(account.balance), "ledger": _money(total)}
            for account, total in mismatched
        ],
    }
    lines = [f"checked {checked} accounts: {len(mismatched)} mismatched"]
    lines += [f"  {a}: balance {a.balance} != ledger {total}" for a, total in mismatched]
    _print(args, data, "\n".join(lines))
    if mismatched:
        raise SystemExit(1)


# --- people and catalog -----------------------------------------------------------------------
def cmd_createadmin(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    from django.contrib.auth.models import Group

    user, created = user_model.objects.get_or_create(username=args.username)
    user.is_staff = True
    # An admin is a superuser; support staff get the support group's permissions only.
    user.is_superuser = args.role == "admin"
    user.email = args.email or user.email
    user.set_password(args.password)
    user.save()
    user.groups.set([Group.objects.get(name=args.role)])
    verb = "created" if created else "updated"
    _print(
        args,
        {"username": user.username, "created": created, "role": args.role},
        f"{args.role} {user.username} {verb}",
    )


def cmd_user_create(args: argparse.Namespace) -> None:
    from smmpanel.accounts.registration import create_account

    balance = _amount(args.balance) if args.balance is not None else None
    account, key = create_account(
        username=args.username, password=args.password, email=args.email, balance=balance
    )
    data = {"username": account.user.username, "api_key": key, "balance": _money(account.balance)}
    _print(args, data, f"user {account.user.username} created\nAPI key: {key}")


def cmd_user_deposit(args: argparse.Namespace) -> None:
    from smmpanel.accounts import ledger
    from smmpanel.accounts.registration import account_for_username

    account = account_for_username(args.username)
    entry = ledger.deposit(account=account, amount=_amount(args.amount), reason=args.reason)
    amount, balance = _money(entry.amount), _money(entry.balance_after)
    data = {"username": args.username, "amount": amount, "balance": balance}
    _print(args, data, f"deposited {amount}: balance of {args.username} is {balance}")


def cmd_service_create(args: argparse.Namespace) -> None:
    from smmpanel.catalog.operations import create_service

    routes = []
    if args.route:
        from smmpanel.providers.command import route_for

        routes = [route_for(spec) for spec in args.route]
    service = create_service(
        name=args.name,
        category=args.category,
        type=args.type,
        rate=_amount(args.rate),
        min_quantity=args.min,
        max_quantity=args.max,
        refill=args.refill,
        cancel=args.cancel,
        dripfeed=args.dripfeed,
        fulfilment=args.fulfilment,
        description=args.description,
        routes=routes,
    )
    _print(args, {"service": service.pk}, f"service {service.pk} created: {service.name}")


# The demo runs over plain http on the local machine: the HTTPS-only settings are off for it.
DEMO_ENVIRONMENT = {
    "SMMPANEL_SECURE_SSL_REDIRECT": "0",
    "SMMPANEL_SECURE_COOKIES": "0",
    "SMMPANEL_HSTS_SECONDS": "0",
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


# --- the API v2 client (`smmpanel api`; no Django, see smmpanel/client/command.py) -----------
def cmd_api(args: argparse.Namespace) -> None:
    from smmpanel.client.command import run

    raise SystemExit(run(args))


def _api_parser(commands: argparse._SubParsersAction) -> None:
    from smmpanel.client.command import add_arguments

    api = commands.add_parser("api", help="talk to any API v2 panel (services, add, status, …)")
    add_arguments(api)
    api.set_defaults(handler=cmd_api, needs_django=False)


# --- upstream providers (see smmpanel/providers/command.py) ----------------------------------
def _provider_parser(commands: argparse._SubParsersAction) -> None:
    from smmpanel.providers.command import add_arguments

    add_arguments(commands)


# --- backups and staff security ----------------------------------------------------------------
def cmd_backup(args: argparse.Namespace) -> None:
    from pathlib import Path

    from smmpanel.backup import backup

    target = backup(target=Path(args.path))
    size = target.stat().st_size
    _print(args, {"path": str(target), "bytes": size}, f"backup written to {target} ({size} bytes)")


def cmd_restore(args: argparse.Namespace) -> None:
    from pathlib import Path

    from smmpanel.backup import restore

    target = restore(source=Path(args.path), force=args.force)
    _print(args, {"path": str(target)}, f"database {target} restored from {args.path}")


def cmd_staff_totp(args: argparse.Namespace) -> None:
    from smmpanel.staff import totp

    if args.remove:
        count = totp.remove(username=args.username)
        data = {"username": args.username, "removed": count}
        _print(args, data, f"two-factor log-in off for {args.username} ({count} devices removed)")
    elif args.confirm:
        totp.confirm(username=args.username, token=args.confirm)
        data = {"username": args.username, "confirmed": True}
        _print(args, data, f"two-factor log-in on for {args.username}")
    else:
        device = totp.enrol(username=args.username)
        data = {"username": args.username, "otpauth_uri": device.config_url}
        _print(
            args,
            data,
            f"Add this to the authenticator app of {args.username} (or as a QR code):\n"
            f"{device.config_url}\n"
            f"then confirm: smmpanel staff totp {args.username} --confirm TOKEN",
        )


# --- the parser -------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smmpanel", description="An SMM reseller panel.")
    commands = parser.add_subparsers(dest="command", required=True)

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
        "--threads", type=int, default=DEFAULT_THREADS, help="threads per worker process"
    )
    serve_.set_defaults(handler=cmd_serve)

    commands.add_parser("worker", help="run the background processing").set_defaults(
        handler=cmd_worker
    )

    audit = commands.add_parser("audit", help="check every balance against its ledger")
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(handler=cmd_audit)

    admin = commands.add_parser("createadmin", help="create or update an operator account")
    admin.add_argument("username")
    admin.add_argument("--password", required=True)
    admin.add_argument("--email", default="")
    admin.add_argument("--role", choices=["admin", "support"], default="admin")
    admin.add_argument("--json", action="store_true")
    admin.set_defaults(handler=cmd_createadmin)

    user = commands.add_parser("user", help="customer accounts").add_subparsers(
        dest="user_command", required=True
    )
    create = user.add_parser("create", help="create a customer and print its API key")
    create.add_argument("username")
    create.add_argument("--balance")
    create.add_argument("--password")
    create.add_argument("--email", default="")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_user_create)
    deposit = user.add_parser("deposit", help="add funds to a customer's balance")
    deposit.add_argument("username")
    deposit.add_argument("amount")
    deposit.add_argument("--reason", default="Deposit from the command line")
    deposit.add_argument("--json", action="store_true")
    deposit.set_defaults(handler=cmd_user_deposit)

    service = commands.add_parser("service", help="the catalog").add_subparsers(
        dest="service_command", required=True
    )
    screate = service.add_parser("create", help="create a service")
    screate.add_argument("--name", required=True)
    screate.add_argument("--category", required=True)
    screate.add_argument("--type", required=True)
    screate.add_argument("--rate", required=True)
    screate.add_argument("--min", type=int, required=True)
    screate.add_argument("--max", type=int, required=True)
    screate.add_argument("--refill", action="store_true")
    screate.add_argument("--cancel", action="store_true")
    screate.add_argument("--dripfeed", action="store_true")
    screate.add_argument(
        "--fulfilment", choices=["simulated", "manual", "provider"], default="manual"
    )
    screate.add_argument(
        "--route",
        action="append",
        metavar="PROVIDER:SERVICE_ID",
        help="a provider service fulfilling it (repeat: first choice first); with provider",
    )
    screate.add_argument("--description", default="")
    screate.add_argument("--json", action="store_true")
    screate.set_defaults(handler=cmd_service_create)
    _provider_parser(commands)

    _api_parser(commands)
    backup = commands.add_parser("backup", help="copy the SQLite database, while it runs")
    backup.add_argument("path")
    backup.add_argument("--json", action="store_true")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="replace the SQLite database with a backup")
    restore.add_argument("path")
    restore.add_argument("--force", action="store_true", help="even while the panel runs")
    restore.add_argument("--json", action="store_true")
    restore.set_defaults(handler=cmd_restore)

    staff = commands.add_parser("staff", help="operator accounts").add_subparsers(
        dest="staff_command", required=True
    )
    totp = staff.add_parser("totp", help="two-factor log-in (TOTP) of a staff user")
    totp.add_argument("username")
    action = totp.add_mutually_exclusive_group()
    action.add_argument("--confirm", metavar="TOKEN", help="confirm the new device with a token")
    action.add_argument("--remove", action="store_true", help="turn two-factor log-in off")
    totp.add_argument("--json", action="store_true")
    totp.set_defaults(handler=cmd_staff_totp)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if not getattr(args, "needs_django", True):
        args.handler(args)  # `smmpanel api`: standalone, with its own error replies
        return
    if args.command == "demo":
        for name, value in demo_environment(args.host, args.port).items():
            os.environ.setdefault(name, value)
    _setup()
    from smmpanel.accounts.errors import AccountError
    from smmpanel.backup import BackupError
    from smmpanel.catalog.operations import CatalogError
    from smmpanel.providers.errors import ProviderError
    from smmpanel.staff.totp import StaffError

    refusals = (CommandError, AccountError, CatalogError, ProviderError, BackupError, StaffError)
    try:
        args.handler(args)
    except refusals as error:
        message = getattr(error, "message", str(error))
        if getattr(args, "json", False):
            print(json.dumps({"error": message}))
        else:
            print(f"error: {message}", file=sys.stderr)
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        pass
