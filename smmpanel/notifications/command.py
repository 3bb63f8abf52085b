"""`smmpanel notifications check-worker`: run by cron or a systemd timer (every few minutes), it
tells the operators once when no worker has passed for SMMPANEL_WORKER_STALE_SECONDS, sending the
message itself (no worker would). Prints `running`, `down` or `never` (`--json`:
{"worker": …}); exits 1 when the worker is down."""

import argparse

from smmpanel.cli.output import show


def cmd_check_worker(args: argparse.Namespace) -> None:
    from smmpanel.notifications.watch import check_worker

    state = check_worker()
    show(args, {"worker": state}, state)
    if state == "down":
        raise SystemExit(1)


def add_arguments(commands: argparse._SubParsersAction) -> None:
    notifications = commands.add_parser(
        "notifications", help="e-mail and Telegram notifications"
    ).add_subparsers(dest="notifications_command", required=True)
    check = notifications.add_parser(
        "check-worker", help="tell the operators (once) when no worker is running"
    )
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_check_worker)
