"""The customer's dashboard: balance, this month's spending, orders by status, the latest news."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smmpanel.accounts.models import Account
from smmpanel.pages.reads import latest_announcement
from smmpanel.panel.customer import customer_required
from smmpanel.panel.dashboard import open_tickets, orders_by_status, spent_this_month
from smmpanel.panel.list_views import STATUS_TABS


@customer_required
def dashboard(request: HttpRequest, account: Account) -> HttpResponse:
    context = {
        "spent": spent_this_month(account),
        "statuses": orders_by_status(account),
        "tabs": STATUS_TABS,
        "announcement": latest_announcement(),
        "open_tickets": open_tickets(account),
    }
    return render(request, "panel/dashboard.html", context)
