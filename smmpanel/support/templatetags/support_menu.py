"""The tickets' entries of the customer's menu and of the back-office's, with their unread
counts (one indexed count per page), and a ticket's age."""

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import ngettext

from smmpanel.support.models import Ticket, TicketStatus

register = template.Library()


@register.inclusion_tag("support/menu_item.html", takes_context=True)
def customer_tickets_item(context: Any) -> dict:
    account = context.get("account")
    unread = account.tickets.filter(unread_by_customer=True).count() if account else 0
    return {"url_name": "support:tickets", "unread": unread, "current": False}


@register.inclusion_tag("support/menu_item.html", takes_context=True)
def staff_tickets_item(context: Any) -> dict:
    user = context.get("user")
    if user is None or not user.has_perm("support.view_ticket"):
        return {"hidden": True}
    unread = Ticket.objects.filter(unread_by_staff=True).exclude(status=TicketStatus.CLOSED).count()
    current = context.get("section") == "tickets"
    return {"url_name": "backoffice:tickets", "unread": unread, "current": current}


@register.filter
def age(since: datetime) -> str:
    """How long ago, in its largest whole unit: "3 days", "5 hours", "12 minutes"."""
    seconds = max(0, int((timezone.now() - since).total_seconds()))
    days, hours, minutes = seconds // 86400, seconds // 3600, seconds // 60
    if days:
        return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}
    if hours:
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
