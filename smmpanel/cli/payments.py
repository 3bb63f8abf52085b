"""Payments: `smmpanel payments gateways` (the installed plug-ins), `smmpanel payments method
add` (a payment method, its credentials stored encrypted), `smmpanel coupon create`."""

import argparse

from smmpanel.cli.output import CommandError, parse_money, show


def cmd_gateways(args: argparse.Namespace) -> None:
    from smmpanel.payments.gateway import gateways

    listed = [
        {"id": code, "name": str(gateway.label)}
        for code, gateway in sorted(gateways().items())
        if gateway.enabled()
    ]
    text = "\n".join(f"{row['id']}\t{row['name']}" for row in listed)
    show(args, {"gateways": listed}, text)


def _credentials(pairs: list[str]) -> dict[str, str]:
    credentials = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise CommandError(f"--credential takes NAME=VALUE, not {pair!r}")
        credentials[name.strip()] = value
    return credentials


def cmd_method_add(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.payments.methods import save_method

    values = {
        "name": args.name,
        "gateway": args.gateway,
        "instructions": args.instructions,
        "currency": args.currency,
        "exchange_rate": parse_money(args.rate),
        "min_amount": parse_money(args.min),
        "max_amount": parse_money(args.max) if args.max is not None else None,
        "fee_percent": parse_money(args.fee_percent),
        "fee_fixed": parse_money(args.fee_fixed),
        "fee_added": not args.fee_absorbed,
        "active": True,
        "credentials": _credentials(args.credential),
    }
    method = save_method(method_id=None, values=values, acting_user=Actor.cli())
    show(args, {"method": method.pk}, f"payment method {method.pk} added: {method.name}")


def _expiry(text: str | None):
    """The end of the day YYYY-MM-DD in the panel's time zone (the coupon is good all of it)."""
    if text is None:
        return None
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--expires takes YYYY-MM-DD, not {text!r}") from None
    start_of_next = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(start_of_next)


def cmd_coupon_create(args: argparse.Namespace) -> None:
    from smmpanel.audit.log import Actor
    from smmpanel.payments.coupons import create_coupon

    coupon = create_coupon(
        code=args.code,
        amount=parse_money(args.amount) if args.amount is not None else None,
        percent=parse_money(args.percent) if args.percent is not None else None,
        uses=args.uses,
        expires_at=_expiry(args.expires),
        acting_user=Actor.cli(),
    )
    show(args, {"coupon": coupon.code}, f"coupon {coupon.code} created")


def add_commands(commands: argparse._SubParsersAction) -> None:
    """payments gateways, payments method add."""
    payments = commands.add_parser("payments", help="payment gateways and methods").add_subparsers(
        dest="payments_command", required=True
    )
    listing = payments.add_parser("gateways", help="list the installed payment gateways")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_gateways)
    method = payments.add_parser("method", help="payment methods").add_subparsers(
        dest="method_command", required=True
    )
    add = method.add_parser("add", help="add a payment method")
    add.add_argument("--gateway", required=True, help="a gateway id (payments gateways)")
    add.add_argument("--name", required=True)
    add.add_argument("--currency", default="", help="what the customer pays in (default: panel's)")
    add.add_argument("--rate", default="1", help="units of --currency per unit of the panel's")
    add.add_argument("--min", default="1")
    add.add_argument("--max", default=None)
    add.add_argument("--fee-percent", default="0")
    add.add_argument("--fee-fixed", default="0", help="in --currency")
    add.add_argument(
        "--fee-absorbed", action="store_true", help="the panel pays the fee, not the customer"
    )
    add.add_argument("--instructions", default="")
    add.add_argument(
        "--credential", action="append", default=[], metavar="KEY=VALUE", help="repeat"
    )
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_method_add)

    coupon = commands.add_parser("coupon", help="coupons").add_subparsers(
        dest="coupon_command", required=True
    )
    create = coupon.add_parser("create", help="create a coupon")
    create.add_argument("code")
    worth = create.add_mutually_exclusive_group(required=True)
    worth.add_argument("--amount", help="credited when redeemed")
    worth.add_argument("--percent", help="of the next deposit")
    create.add_argument("--uses", type=int, default=None, help="customers in all (default: any)")
    create.add_argument("--expires", default=None, metavar="YYYY-MM-DD", help="last valid day")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_coupon_create)
