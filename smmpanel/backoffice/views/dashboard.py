"""The dashboard: the day at a glance and what needs the operator."""

from django.http import HttpRequest, HttpResponse

from smmpanel.backoffice import chart, figures
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.backoffice.templatetags.backoffice import total


@staff_required("orders.view_order")
def dashboard(request: HttpRequest) -> HttpResponse:
    days = figures.last_days()
    return render_page(
        request,
        "backoffice/dashboard.html",
        "dashboard",
        today=figures.today(),
        by_status=figures.by_status(),
        chart=chart.draw(days, total),
        days=days,
        attention=figures.needing_attention(),
        providers=figures.provider_balances(),
    )
