"""The `smmpanel` command. Scripts rely on these exact forms; `--json` prints one JSON object.

Each module registers its own commands: `server` (demo, migrate, serve, worker, audit, backup,
restore), `users` (createadmin, user, staff), `catalog` (service), `payments` (gateways,
methods); `provider` lives in providers/command.py and `api` (no Django) in client/command.py.
"""

import argparse
import json
import os
import sys

from smmpanel.cli import catalog, health, payments, server, users
from smmpanel.cli.output import CommandError
from smmpanel.cli.server import DEFAULT_THREADS, DEMO_ENVIRONMENT, demo_environment

__all__ = ["DEFAULT_THREADS", "DEMO_ENVIRONMENT", "CommandError", "main"]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smmpanel.settings")
    import django

    django.setup()


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


# --- notifications (see smmpanel/notifications/command.py) -----------------------------------
def _notifications_parser(commands: argparse._SubParsersAction) -> None:
    from smmpanel.notifications.command import add_arguments

    add_arguments(commands)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="smmpanel", description="An SMM reseller panel.")
    commands = parser.add_subparsers(dest="command", required=True)
    # In this order: it is the order `smmpanel --help` lists them in.
    server.add_commands(commands)
    users.add_commands(commands)
    catalog.add_commands(commands)
    payments.add_commands(commands)
    _provider_parser(commands)
    _notifications_parser(commands)
    _api_parser(commands)
    server.add_backup_commands(commands)
    health.add_commands(commands)
    users.add_staff_commands(commands)
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
    from smmpanel.errors import DomainError
    from smmpanel.providers.errors import ProviderError
    from smmpanel.staff.totp import StaffError

    refusals = (
        CommandError,
        DomainError,
        AccountError,
        CatalogError,
        ProviderError,
        BackupError,
        StaffError,
    )
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
