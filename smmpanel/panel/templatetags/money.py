"""Money in pages, through `smmpanel.money.shown`: the panel's currency, its decimals (IDR and
VND none), grouped as the page's language writes numbers."""

from decimal import Decimal

from django import template

from smmpanel.money import shown

register = template.Library()


@register.filter
def money(value: Decimal | None) -> str:
    """A balance, a charge, a payment: "1,234.50 USD" in English, "1.234,50 USD" in Indonesian
    and Vietnamese, "15.000 IDR"."""
    return shown(value)


@register.filter
def exact_money(value: Decimal | None) -> str:
    """A price per 1000 (or per package), or a figure an operator checks to the last digit,
    with every digit it has: "0.27819 USD"."""
    return shown(value, exact=True)


@register.filter
def money_in(value: Decimal | None, currency: str) -> str:
    """An amount in another currency than the panel's (a provider's balance)."""
    return shown(value, currency=currency)
