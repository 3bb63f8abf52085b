"""The dashboard: the day at a glance and what needs the operator."""

from django.apps import apps
from django.http import HttpRequest, HttpResponse

from smmpanel.backoffice import chart, figures
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.backoffice.templatetags.backoffice import total


def provider_balances() -> list | None:
    """Upstream providers and their last known balances, when the providers app is installed."""
    if not apps.is_installed("smmpanel.providers"):
        return None
    provider = apps.get_model("providers", "Provider")  # type: ignore[misc]
    return list(provider.objects.order_by("pk"))


@staff_required("orders.view_order")
def dashboard(request: HttpRequest) -> HttpResponse:
    days = figures.last_days()
    return render_page(
        request,
        "backoffice/dashboard.html",
        "dashboard",
        today=figures.today(),
        has_cost=figures.has_cost(),
        by_status=figures.by_status(),
        chart=chart.draw(days, total),
        days=days,
        attention=figures.needing_attention(),
        providers=provider_balances(),
    )
