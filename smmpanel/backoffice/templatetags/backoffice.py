"""Template filters of the back-office: totals as every page shows money."""

from decimal import Decimal

from django import template

from smmpanel.money import shown

register = template.Library()


@register.filter
def total(value: Decimal | None) -> str:
    """A total in the panel's currency (`smmpanel.money.shown`), "—" when there is none."""
    return "—" if value is None else shown(value)
