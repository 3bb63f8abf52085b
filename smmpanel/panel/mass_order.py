"""Mass order: one order per line, `service_id | link | quantity`, placed all-or-nothing or
line by line. Each line goes through `orders.placement.place_order`, as the API's `add` and the
order form do, with the same arguments."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from smmpanel.accounts.models import Account
from smmpanel.errors import DomainError
from smmpanel.money import ZERO
from smmpanel.orders.models import Order
from smmpanel.orders.placement import place_order, service_for_order
from smmpanel.orders.validation import validate_order
from smmpanel.panel.errors import MassOrderError, MassOrderErrorCode

MAX_LINES = 500


@dataclass
class LineResult:
    number: int
    text: str
    order: Order | None = None
    error: str = ""


class _Refused(Exception):
    """Rolls back an all-or-nothing batch in which a line was refused."""


def _parse(text: str) -> dict[str, str]:
    parts = [part.strip() for part in text.split("|")]
    if len(parts) != 3 or not all(parts):
        raise MassOrderError(MassOrderErrorCode.LINE_FORMAT)
    return {"service": parts[0], "link": parts[1], "quantity": parts[2]}


def _place(account: Account, line: LineResult) -> None:
    line.order = place_order(account=account, params=_parse(line.text))


def _lines(text: str) -> list[LineResult]:
    rows = [row.strip() for row in text.replace("\r\n", "\n").split("\n")]
    numbered = [LineResult(number, row) for number, row in enumerate(rows, 1) if row]
    if len(numbered) > MAX_LINES:
        raise MassOrderError(MassOrderErrorCode.TOO_MANY_LINES, max=MAX_LINES)
    return numbered


def place_mass_order(*, account: Account, text: str, all_or_nothing: bool) -> list[LineResult]:
    """Place one order per line.

    All-or-nothing: every line is checked first; then all are placed in one transaction that
    rolls back entirely (no order, no charge) when any line is refused, e.g. for funds.
    Line by line: each line is its own order and transaction; refused lines change nothing.
    """
    results = _lines(text)
    if not results:
        raise MassOrderError(MassOrderErrorCode.NO_LINES)
    if not all_or_nothing:
        for line in results:
            try:
                _place(account, line)
            except DomainError as error:
                line.error = error.message
        return results
    for line in results:
        try:
            params = _parse(line.text)
            validate_order(service_for_order(params["service"]), params)
        except DomainError as error:
            line.error = error.message
    if any(line.error for line in results):
        return _not_placed(results)
    try:
        with transaction.atomic():
            for line in results:
                try:
                    _place(account, line)
                except DomainError as error:
                    line.error = error.message
                    raise _Refused from error
    except _Refused:
        for line in results:
            line.order = None
        return _not_placed(results)
    return results


def _not_placed(results: list[LineResult]) -> list[LineResult]:
    for line in results:
        if not line.error:
            line.error = _("Not placed: another line was refused")
    return results


def total_charge(results: list[LineResult]) -> Decimal:
    return sum((line.order.charge for line in results if line.order), ZERO)
