"""`smmpanel api`: talk to any API v2 panel from the command line (no Django needed).

Readable aligned tables for people; with `--json` one JSON object, and `{"error": …, "kind": …}`
with exit code 1 on a refusal or a fault.
"""

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from .detect import detect_dialect
from .dialect import Dialect
from .errors import ClientError, ProviderRefused
from .results import OrderStatusInfo
from .sync import Client

DIALECT_WORDS = ("auto", "form", "json", "get", "post", "bearer", "key", "numeric")


def parse_dialect(spec: str) -> Dialect | None:
    """`auto` -> None (detect); else comma-separated words: `json,bearer`, `get`, `form,key`."""
    words = [word.strip().lower() for word in spec.replace("+", ",").split(",") if word.strip()]
    unknown = [word for word in words if word not in DIALECT_WORDS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown dialect word {unknown[0]!r}; use {', '.join(DIALECT_WORDS)}"
        )
    if not words or words == ["auto"]:
        return None
    values: dict[str, Any] = {}
    for word in words:
        if word in ("form", "json"):
            values["body"] = word
        elif word in ("get", "post"):
            values["method"] = word.upper()
        elif word in ("bearer", "key"):
            values["auth"] = word
        elif word == "numeric":
            values["numeric_ids"] = True
    return Dialect(**values)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", required=True, help="the panel's full API URL, e.g. …/api/v2")
    parser.add_argument("--key", required=True)
    parser.add_argument(
        "--dialect",
        type=parse_dialect,
        default=None,
        help="auto (default: detected with a balance call) or words: form,json,get,bearer,numeric",
    )
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--json", action="store_true")
    actions = parser.add_subparsers(dest="api_action", required=True)
    actions.add_parser("services", help="the panel's services")
    actions.add_parser("balance", help="your balance there")
    status = actions.add_parser("status", help="status of orders (any number of ids)")
    status.add_argument("orders", nargs="+")
    add = actions.add_parser("add", help="place an order")
    add.add_argument("--service", required=True)
    add.add_argument("--link")
    add.add_argument("--quantity", type=int)
    add.add_argument(
        "--field",
        type=field_pair,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another parameter: runs=5, interval=30, comments=…, username=…",
    )
    refill = actions.add_parser("refill", help="ask for a refill of an order")
    refill.add_argument("order")
    refill_status = actions.add_parser("refill_status", help="status of a refill")
    refill_status.add_argument("refill")
    cancel = actions.add_parser("cancel", help="ask to cancel orders")
    cancel.add_argument("orders", nargs="+")
    actions.add_parser("products", help="digital-goods products (003 extension)")
    for action in actions.choices.values():  # `… services --json` works as well
        action.add_argument("--json", action="store_true", default=argparse.SUPPRESS)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned text table; None shows as '-'."""
    cells = [[("-" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)


def _status_row(order: str, info: OrderStatusInfo) -> list[Any]:
    shown = (
        info.status
        if info.raw_status in ("", info.status)
        else f"{info.status} ({info.raw_status})"
    )
    if info.error:
        shown = f"error: {info.error}"
    return [order, shown, info.charge, info.start_count, info.remains, info.currency]


def field_pair(text: str) -> tuple[str, str]:
    """`--field NAME=VALUE` (`\\n` in VALUE is a new line, for comments and usernames)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"--field takes NAME=VALUE, not {text!r}")
    return name.strip(), value.replace("\\n", "\n")


def _perform(client: Client, args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """(the JSON object, the text for people) of the asked action."""
    action = args.api_action
    if action == "services":
        services = client.services()
        rows = [
            [
                s.service,
                s.name,
                s.type,
                s.category,
                s.rate,
                s.min,
                s.max,
                " ".join(f for f in ("refill", "cancel", "dripfeed") if getattr(s, f)),
            ]
            for s in services
        ]
        text = table(["ID", "NAME", "TYPE", "CATEGORY", "RATE", "MIN", "MAX", "FLAGS"], rows)
        return {"services": [asdict(s) for s in services]}, text
    if action == "balance":
        balance = client.balance()
        data = {"balance": balance.amount, "currency": balance.currency}
        return data, f"{balance.amount} {balance.currency or ''}".rstrip()
    if action == "status":
        if len(args.orders) == 1:
            statuses = {args.orders[0]: client.status(args.orders[0])}
        else:
            statuses = client.statuses(args.orders)
        rows = [_status_row(order, info) for order, info in statuses.items()]
        text = table(["ORDER", "STATUS", "CHARGE", "START", "REMAINS", "CURRENCY"], rows)
        return {"orders": {order: asdict(info) for order, info in statuses.items()}}, text
    if action == "add":
        order = client.add(args.service, link=args.link, quantity=args.quantity, **dict(args.field))
        return {"order": order}, f"order {order} placed"
    if action == "refill":
        refill = client.refill(args.order)
        return {"refill": refill}, f"refill {refill} requested for order {args.order}"
    if action == "refill_status":
        info = client.refill_status(args.refill)
        data = {"refill": args.refill, "status": info.status, "raw_status": info.raw_status}
        return data, f"refill {args.refill}: {info.raw_status or info.status}"
    if action == "cancel":
        answers = client.cancel(args.orders)
        shown = {
            order: {"error": a.message} if isinstance(a, ProviderRefused) else a
            for order, a in answers.items()
        }
        rows = [
            [
                order,
                f"error: {a['error']}"
                if isinstance(a, dict)
                else ("accepted" if a else "not accepted"),
            ]
            for order, a in shown.items()
        ]
        return {"cancel": shown}, table(["ORDER", "CANCEL"], rows)
    products = client.products()
    rows = [[p.product, p.name, p.category, p.rate, p.min, p.max, p.status] for p in products]
    text = table(["ID", "NAME", "CATEGORY", "RATE", "MIN", "MAX", "STATUS"], rows)
    return {"products": [asdict(p) for p in products]}, text


def run(args: argparse.Namespace) -> int:
    """Run `smmpanel api …`; the exit code (1 on a refusal or a fault)."""
    try:
        dialect = args.dialect or detect_dialect(args.url, args.key, timeout=args.timeout)
        with Client(args.url, args.key, dialect, timeout=args.timeout) as client:
            data, text = _perform(client, args)
    except ClientError as error:
        if args.json:
            print(json.dumps({"error": error.message, "kind": str(error.kind)}))
        else:
            print(f"error ({error.kind}): {error.message}", file=sys.stderr)
        return 1
    print(json.dumps(_jsonable(data), ensure_ascii=False) if args.json else text)
    return 0
