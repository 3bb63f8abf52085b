"""Exact money: one scale for every stored amount, per-currency formatting.

Amounts are `Decimal` from the request to the database and back; no float ever holds money.
Charges round up and refunds round down, so the panel never undercharges; amounts typed or read
back round half up.
"""

from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_UP,
    Decimal,
    InvalidOperation,
    localcontext,
)

# Digits after the point of every stored amount (real panels charge amounts like 0.27819).
SCALE = 5
QUANTUM = Decimal(1).scaleb(-SCALE)
MAX_DIGITS = 20
# Significant digits every database keeps exactly: SQLite stores NUMERIC values as doubles, which
# hold 15. One limit for both databases, so that a panel can move from one to the other.
EXACT_DIGITS = 15
# The first amount (and balance) the panel refuses: 10,000,000,000 with 5 decimals.
MAX_AMOUNT = Decimal(10) ** (EXACT_DIGITS - SCALE)

# Decimals a currency is shown with; amounts that need more are shown with as many as they need.
CURRENCY_DECIMALS = {"IDR": 0, "VND": 0, "JPY": 0, "KRW": 0}
DEFAULT_DECIMALS = 2

ZERO = Decimal("0").quantize(QUANTUM)
# Digits of the arithmetic of charges and refunds: an amount (20 digits) times a quantity (up to
# 2**63, 19 digits) is exact, so a result is rounded once, by the rule chosen, never by the
# context's default 28 digits first (or refused by quantize() with InvalidOperation).
_WORKING_DIGITS = 60


class MoneyFormatError(ValueError):
    pass


def quantize(amount: Decimal) -> Decimal:
    """Round to the money scale, half up."""
    return amount.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def parse_amount(text: str | int | Decimal) -> Decimal:
    """Parse an amount typed by an operator or a script; refuse what the scale can't hold."""
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation as error:
        raise MoneyFormatError(f"Not an amount: {text!r}") from error
    if not amount.is_finite():
        raise MoneyFormatError(f"Not an amount: {text!r}")
    if abs(amount) >= MAX_AMOUNT:
        raise MoneyFormatError(f"Amount too large: {text!r}")
    if amount != quantize(amount):
        raise MoneyFormatError(f"At most {SCALE} decimal places: {text!r}")
    return quantize(amount)


def quantize_up(amount: Decimal) -> Decimal:
    """Round up to the money scale: a resale price never falls below its cost."""
    return amount.quantize(QUANTUM, rounding=ROUND_CEILING)


def order_charge(rate: Decimal, quantity: int, *, per: int = 1000) -> Decimal:
    """What `quantity` units cost at `rate` per `per` units (1000; 1 for packages and products),
    rounded up to the money scale: the panel never undercharges, so an order at a positive rate
    costs at least the smallest amount (0.00001) and only a rate of 0 is free.
    """
    with localcontext(prec=_WORKING_DIGITS):
        return quantize_up(rate * quantity / per)


def proportional_part(amount: Decimal, part: int, whole: int) -> Decimal:
    """`amount × part / whole`, refunding what was not delivered; part is clamped to [0, whole].

    Rounded down: what is kept of an upward-rounded charge still pays for the part delivered, and
    a refund is never more than the charge (`part == whole` gives back exactly `amount`).
    """
    if whole <= 0 or part <= 0:
        return ZERO
    part = min(part, whole)
    with localcontext(prec=_WORKING_DIGITS):
        return (amount * part / whole).quantize(QUANTUM, rounding=ROUND_FLOOR)


def currency_decimals(currency: str) -> int:
    return CURRENCY_DECIMALS.get(currency.upper(), DEFAULT_DECIMALS)


def format_amount(amount: Decimal, currency: str) -> str:
    """The protocol's money string: the currency's decimals, more when the amount needs them.

    0.9 USD -> "0.90", 0.27819 USD -> "0.27819", 15000 IDR -> "15000", 2.5 VND -> "2.5".
    """
    whole, _, fraction = f"{amount:f}".partition(".")
    return _shown(whole, fraction, currency_decimals(currency))


def db_amount_formatter(currency: str) -> Callable[[str], str]:
    """`format_amount` of amounts read as text from a money column (`CAST(col AS TEXT)`), for one
    currency, its decimals looked up once: a status reply formats a hundred charges.

    Plain fixed-point text is formatted as it is, without a Decimal. Anything else (SQLite prints
    small REALs as `1.0e-05`) goes through Decimal.
    """
    decimals = currency_decimals(currency)

    def formatted(text: str) -> str:
        whole, _, fraction = text.partition(".")
        if len(fraction) > SCALE or "e" in text or "E" in text:
            return format_amount(from_db_text(text), currency)
        return _shown(whole, fraction, decimals)

    return formatted


def _shown(whole: str, fraction: str, decimals: int) -> str:
    fraction = fraction.rstrip("0").ljust(decimals, "0")
    return f"{whole}.{fraction}" if fraction else whole


def from_db_text(text: str) -> Decimal:
    """An amount read as text from a money column (`CAST(col AS TEXT)`), at the money scale.

    SQLite keeps NUMERIC values as REAL and prints them with 15 significant digits (Django reads
    them back the same way), PostgreSQL prints its numeric exactly; both parse exactly here.
    """
    return Decimal(text).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def display(
    amount: Decimal,
    currency: str,
    *,
    exact: bool = False,
    decimal_separator: str = ".",
    group_separator: str = ",",
) -> str:
    """Money as every page shows it: grouped by thousands, the currency's decimals (IDR and VND
    none), rounded half up, and the currency: 1234.5 -> "1,234.50 USD", 15000 -> "15,000 IDR".

    `exact` keeps the digits beyond the currency's decimals (a rate per 1000 is multiplied by the
    quantity; rounded, it would misquote a large order): 0.27819 -> "0.27819 USD". A non-zero
    amount that would round to zero is shown exactly too: 0.00028 -> "0.00028 USD", not "0.00".
    The separators are the page's language's ("1.234,50" in Indonesian and Vietnamese).
    """
    step = Decimal(1).scaleb(-currency_decimals(currency))
    rounded = Decimal(amount).quantize(step, rounding=ROUND_HALF_UP)
    if exact or (rounded.is_zero() and amount):
        # An amount that would read 0.00 keeps its digits: a charge of 0.00028 was taken.
        text = format_amount(Decimal(amount), currency)
    else:
        text = f"{rounded.copy_abs() if rounded.is_zero() else rounded:f}"
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = digits.partition(".")
    groups = [whole[max(end - 3, 0) : end] for end in range(len(whole), 0, -3)][::-1]
    number = group_separator.join(groups) + (decimal_separator + fraction if fraction else "")
    return f"{sign}{number} {currency}"


def shown(amount: Decimal | None, *, exact: bool = False, currency: str | None = None) -> str:
    """`display` in the panel's currency (or `currency`) and the active language's separators:
    what every page, message and htmx part shows. "" for None."""
    # Imported here: the models import this module while Django loads its apps.
    from django.utils import formats

    from smmpanel.configuration.current import current

    if amount is None:
        return ""
    return display(
        Decimal(amount),
        currency or current().currency,
        exact=exact,
        decimal_separator=formats.get_format("DECIMAL_SEPARATOR"),
        group_separator=formats.get_format("THOUSAND_SEPARATOR"),
    )
