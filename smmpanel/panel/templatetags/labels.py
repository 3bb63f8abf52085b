"""Translated names of the domain's statuses and ledger kinds (the models keep the protocol's
English values, which the API answers)."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS = {
    "Pending": _("Pending"),
    "In progress": _("In progress"),
    "Processing": _("Processing"),
    "Completed": _("Completed"),
    "Partial": _("Partial"),
    "Canceled": _("Canceled"),
    "Active": _("Active"),
    "Paused": _("Paused"),
    "Expired": _("Expired"),
    "Rejected": _("Rejected"),
    "Error": _("Error"),
}
LEDGER_KIND = {
    "deposit": _("Deposit"),
    "charge": _("Order charge"),
    "refund": _("Refund"),
    "adjustment": _("Adjustment"),
}


@register.filter
def status_label(value: str) -> str:
    return str(STATUS.get(str(value), value))


@register.filter
def ledger_kind(value: str) -> str:
    return str(LEDGER_KIND.get(str(value), value))
