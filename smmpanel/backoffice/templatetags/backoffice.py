"""Template filters of the back-office: money in the panel's currency."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.numberformat import format as number_format

from smmpanel.configuration.current import current
from smmpanel.money import currency_decimals, format_amount

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """An exact amount with the currency's decimals (more when it needs them), grouped."""
    if amount is None:
        return "—"
    currency = current().currency
    exact = format_amount(Decimal(amount), currency)
    decimals = len(exact.split(".")[1]) if "." in exact else 0
    text = number_format(Decimal(exact), ".", decimals, 3, ",", force_grouping=True)
    return f"{text} {currency}"


@register.filter
def money_rounded(amount: Decimal | None) -> str:
    """A total rounded to the currency's decimals (IDR and VND: none), grouped."""
    if amount is None:
        return "—"
    currency = current().currency
    decimals = currency_decimals(currency)
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = number_format(rounded, ".", decimals, 3, ",", force_grouping=True)
    return f"{text} {currency}"
