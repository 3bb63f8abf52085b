from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path, re_path, register_converter
from django.views.generic import RedirectView

from smmpanel.api import openapi
from smmpanel.api.views import ceiling, endpoint
from smmpanel.inputs import IdConverter

# `<id:pk>` in the apps' URLs: registered here, before their modules are imported by include().
register_converter(IdConverter, "id")

urlpatterns = [
    # The API's requests are answered by its lane (api/middleware.py, its PATHS) before any URL
    # is resolved; the pattern names it for reverse("api").
    re_path(r"^api(?:/v2)?/?$", endpoint, name="api"),
    # Browsers ask for /favicon.ico whatever the page links: the panel's icon is an SVG.
    path("favicon.ico", RedirectView.as_view(url=static("panel/favicon.svg"), permanent=True)),
    path("api/v2/openapi.json", openapi.document, name="openapi"),
    path("adminapi/", include("smmpanel.adminapi.urls")),
    path("admin/", admin.site.urls),
    path("backoffice/", include("smmpanel.backoffice.urls")),
]

if settings.BENCH_CEILING:
    # bench/api.py's yardstick: a bare view through the whole middleware.
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
