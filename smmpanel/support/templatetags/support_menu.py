"""The tickets' entries of the customer's menu and of the back-office's, with their unread
counts (one indexed count per page)."""

from typing import Any

from django import template

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
    unread = (
        Ticket.objects.filter(unread_by_staff=True).exclude(status=TicketStatus.CLOSED).count()
    )
    current = context.get("section") == "tickets"
    return {"url_name": "backoffice:tickets", "unread": unread, "current": current}
