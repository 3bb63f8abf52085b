"""Template filters of the back-office: totals rounded to the currency's decimals."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import formats, numberformat

from smmpanel.configuration.current import current
from smmpanel.money import currency_decimals

register = template.Library()


@register.filter
def total(value: Decimal | None) -> str:
    """A total in the panel's currency, rounded to its decimals (IDR and VND: none), grouped as
    the page's language writes numbers: "1,234.50 USD", "15.000 IDR"."""
    if value is None:
        return "—"
    currency = current().currency
    decimals = currency_decimals(currency)
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = numberformat.format(
        rounded,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    return f"{text} {currency}"
