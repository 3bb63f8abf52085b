"""What every command shares: amounts read, money and results printed, the refusal it raises."""

import argparse
import json
from decimal import Decimal


class CommandError(Exception):
    """A refusal: printed as `error: …` (or `{"error": …}` with --json), exit code 1."""


def show(args: argparse.Namespace, data: dict, text: str) -> None:
    print(json.dumps(data) if getattr(args, "json", False) else text)


def format_money(amount: Decimal) -> str:
    from django.conf import settings

    from smmpanel.money import format_amount

    return format_amount(amount, settings.CURRENCY)


def parse_money(text: str) -> Decimal:
    from smmpanel.money import MoneyFormatError, parse_amount

    try:
        return parse_amount(text)
    except MoneyFormatError as error:
        raise CommandError(str(error)) from None
