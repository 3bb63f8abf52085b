"""`/healthz` for load balancers and service managers, `/metrics` for Prometheus."""

import os

from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from smmpanel.monitoring.access import may_read_metrics
from smmpanel.monitoring.collectors import DatabaseCollector
from smmpanel.monitoring.health import problem

# The database's gauges, in a registry of their own: added to whichever holds the counted ones.
_database = CollectorRegistry(auto_describe=False)
_database.register(DatabaseCollector())


def healthz(request: HttpRequest) -> HttpResponse:
    """200 {"status": "ok"}, or 503 {"status": "unavailable", "reason": …}."""
    reason = problem()
    if reason is None:
        response = JsonResponse({"status": "ok"})
    else:
        response = JsonResponse({"status": "unavailable", "reason": reason}, status=503)
    response["Cache-Control"] = "no-store"
    return response


def counted_registry() -> CollectorRegistry:
    """The counted metrics: every process's files in multi-process mode, else this process's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)
    return registry


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format, to a request with the token or from an allowed address."""
    if not may_read_metrics(request):
        return JsonResponse({"status": "forbidden"}, status=403)
    body = generate_latest(counted_registry()) + generate_latest(_database)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
