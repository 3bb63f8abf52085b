"""`/healthz` and `/metrics`, answered before the rest of the middleware: load balancers and
Prometheus call a server by an address of their own (not an allowed host name), over plain http
(no redirect to https), and need no session."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from smmpanel.monitoring import views

ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": views.healthz,
    "/metrics": views.metrics,
}


class OperationsEndpoints:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ENDPOINTS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        return view(request)
