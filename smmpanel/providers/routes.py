"""The operator's changes to a service's provider routes: their markup and their order.

The primary route (the first by priority) prices the service: cost x (1 + markup%), rounded up,
never below the cost. Each change locks the service and its routes, reprices and records its
audit entry in one transaction.
"""

from decimal import Decimal

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.models import Service, ServiceRoute
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.pricing import MAX_MARKUP, resale_rate


def _reprice(service: Service) -> None:
    primary = service.routes.select_related("provider_service__provider").first()
    if primary is not None:
        service.rate = resale_rate(primary.provider_service, primary.markup)
        service.save(update_fields=["rate", "updated_at"])


def set_route_markup(*, acting_user: Actor, route_id: int, markup: Decimal) -> ServiceRoute:
    """Give a route the operator's own markup (kept by later imports), reprice the service when
    it is the primary route, and record `route.markup` (markup and rate, before -> after).
    The route's own markup already at that value changes nothing."""
    if not markup.is_finite() or not 0 <= markup <= MAX_MARKUP:
        raise ProviderError(ProviderErrorCode.INVALID_MARKUP)
    with transaction.atomic():
        route = ServiceRoute.objects.select_for_update().get(pk=route_id)
        service = Service.objects.select_for_update().get(pk=route.service_id)
        route.service = service
        if route.own_markup and route.markup == markup:
            return route
        before = {"markup": route.markup, "own_markup": route.own_markup, "rate": service.rate}
        route.markup, route.own_markup = markup, True
        route.save(update_fields=["markup", "own_markup"])
        _reprice(service)
        after = {"markup": route.markup, "own_markup": True, "rate": service.rate}
        record(acting_user, "route.markup", obj=route, before=before, after=after)
    return route


def move_route(*, acting_user: Actor, route_id: int, step: int) -> bool:
    """Move a route one place up (step -1) or down (+1); the new primary reprices the service.
    Records `route.move` (the routes in order and the rate); False, and nothing written, when it
    is already at that end."""
    with transaction.atomic():
        route = ServiceRoute.objects.select_for_update().get(pk=route_id)
        service = Service.objects.select_for_update().get(pk=route.service_id)
        routes = list(ServiceRoute.objects.select_for_update().filter(service=service))
        routes.sort(key=lambda row: (row.priority, row.pk))
        index = [row.pk for row in routes].index(route.pk)
        target = index + (1 if step > 0 else -1)
        if not 0 <= target < len(routes):
            return False
        before = {"routes": [row.pk for row in routes], "rate": service.rate}
        routes[index], routes[target] = routes[target], routes[index]
        for priority, row in enumerate(routes, start=1):
            if row.priority != priority:
                row.priority = priority
                row.save(update_fields=["priority"])
        _reprice(service)
        after = {"routes": [row.pk for row in routes], "rate": service.rate}
        record(acting_user, "route.move", obj=route, before=before, after=after)
    return True
