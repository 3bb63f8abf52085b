"""`smmpanel health`: the health check for service managers (compose, systemd timers)."""

import argparse

from smmpanel.cli.output import show


def cmd_health(args: argparse.Namespace) -> None:
    """What `/healthz` says: asked of a running server (`--url`), or checked here directly.
    Exit code 0 when well, 1 otherwise."""
    if args.url:
        import httpx

        try:
            response = httpx.get(args.url, timeout=args.timeout)
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            data = {"status": "unavailable", "reason": f"{args.url}: {type(error).__name__}"}
        else:
            if response.status_code != 200 and data.get("status") == "ok":
                data = {"status": "unavailable", "reason": f"HTTP {response.status_code}"}
    else:
        from smmpanel.monitoring.health import problem

        reason = problem()
        data = {"status": "ok"} if reason is None else {"status": "unavailable", "reason": reason}
    show(args, data, data["status"] + (f": {data['reason']}" if "reason" in data else ""))
    if data["status"] != "ok":
        raise SystemExit(1)


def add_commands(commands: argparse._SubParsersAction) -> None:
    health = commands.add_parser(
        "health", help="check the database and the worker's heartbeat (what /healthz says)"
    )
    health.add_argument(
        "--url", help="ask a running server instead, e.g. http://127.0.0.1:8000/healthz"
    )
    health.add_argument("--timeout", type=float, default=10)
    health.add_argument("--json", action="store_true")
    health.set_defaults(handler=cmd_health)
