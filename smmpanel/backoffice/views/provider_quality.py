"""Provider quality: how each provider service delivered the panel's orders, over 7 or 30 days."""

from django.http import HttpRequest, HttpResponse

from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.quality.routes import refills_honoured, route_quality

PERIODS = (7, 30)


@staff_required("providers.view_provider")
def provider_quality(request: HttpRequest) -> HttpResponse:
    days = 30 if request.GET.get("days") == "30" else 7
    return render_page(
        request,
        "backoffice/provider_quality.html",
        "providers",
        days=days,
        periods=PERIODS,
        routes=route_quality(days),
        refills=sorted(refills_honoured(days).items()),
    )
