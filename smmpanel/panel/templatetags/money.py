"""Money in pages: the currency's decimals (IDR and VND none), grouped as the language writes."""

from decimal import Decimal

from django import template
from django.utils import formats, numberformat

from smmpanel.configuration.current import current
from smmpanel.money import format_amount

register = template.Library()


@register.filter
def amount(value: Decimal | None) -> str:
    """`1234.5` -> "1,234.50" in English, "1.234,50" in Indonesian and Vietnamese."""
    if value is None:
        return ""
    text = format_amount(Decimal(value), current().currency)
    decimals = len(text.partition(".")[2])
    return numberformat.format(
        Decimal(text),
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def money(value: Decimal | None) -> str:
    """The amount and the panel's currency: "1,234.50 USD", "15.000 IDR"."""
    if value is None:
        return ""
    return f"{amount(value)} {current().currency}"
