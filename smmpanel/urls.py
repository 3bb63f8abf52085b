from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import include, path, re_path, register_converter
from django.views.generic import RedirectView

from smmpanel.api import openapi
from smmpanel.api.views import endpoint, json_response
from smmpanel.inputs import IdConverter

# `<id:pk>` in the apps' URLs: registered here, before their modules are imported by include().
register_converter(IdConverter, "id")

urlpatterns = [
    # First: the API's requests are most of a panel's, and each pattern before it is tried.
    re_path(r"^api(?:/v2)?/?$", endpoint, name="api"),
    # Browsers ask for /favicon.ico whatever the page links: the panel's icon is an SVG.
    path("favicon.ico", RedirectView.as_view(url=static("panel/favicon.svg"), permanent=True)),
    path("api/v2/openapi.json", openapi.document, name="openapi"),
    path("adminapi/", include("smmpanel.adminapi.urls")),
    path("admin/", admin.site.urls),
    path("backoffice/", include("smmpanel.backoffice.urls")),
]

if settings.BENCH_CEILING:

    def ceiling(request: HttpRequest) -> HttpResponse:
        """The benchmark's ceiling: a bare view answering a constant JSON object. Under /api/,
        so that it goes through the middleware exactly as the API's requests do."""
        return json_response({"balance": "100.84292", "currency": "USD"})

    urlpatterns.append(path("api/bench/ceiling", ceiling))

# --- the web panel: payments' callbacks, log-in, then the customer pages at the root ----------
from smmpanel.panel.urls import accounts_urlpatterns  # noqa: E402

urlpatterns += [
    path("", include("smmpanel.payments.urls")),
    *accounts_urlpatterns,
    path("", include("smmpanel.pages.urls")),
    path("tickets/", include("smmpanel.support.urls")),
    path("", include("smmpanel.notifications.urls")),
    path("", include("smmpanel.panel.urls")),
]

handler400 = "smmpanel.api.views.bad_request"
handler404 = "smmpanel.api.views.not_found"
handler500 = "smmpanel.api.views.server_error"
