"""The operator's changes to a service's provider routes: which there are, their markup and
their order.

The primary route (the first by priority) prices the service: cost x (1 + markup%), rounded up,
never below the cost. Each change locks the service and its routes, reprices and records its
audit entry in one transaction.
"""

from decimal import Decimal

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import Fulfilment, Service, ServiceRoute
from smmpanel.catalog.updates import note_changes
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.models import Provider, ProviderService
from smmpanel.providers.pricing import MAX_MARKUP, guarded_rate


def _reprice(service: Service) -> None:
    primary = service.routes.select_related("provider_service__provider").first()
    if primary is not None:
        rate = guarded_rate(primary.provider_service, primary.markup)
        note_changes(service, {"rate": service.rate}, {"rate": rate})
        service.rate = rate
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


def add_route(
    *,
    acting_user: Actor,
    service_id: int,
    provider_id: int,
    upstream_service_id: str,
    markup: Decimal = Decimal(0),
) -> ServiceRoute:
    """Let a provider service fulfil a service, tried after its other routes (the first one
    reprices it), with the operator's own markup; record `route.add` (the routes in order and
    the rate). A route the service already has changes nothing and is returned.
    ProviderError when the provider has no such service (import its catalog first)."""
    if not markup.is_finite() or not 0 <= markup <= MAX_MARKUP:
        raise ProviderError(ProviderErrorCode.INVALID_MARKUP)
    upstream_service_id = upstream_service_id.strip()
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service_id)
        found = ProviderService.objects.select_related("provider").filter(
            provider_id=provider_id, service_id=upstream_service_id
        )
        provider_service = found.first()
        if provider_service is None:
            provider = Provider.objects.get(pk=provider_id)
            raise ProviderError(
                ProviderErrorCode.UNKNOWN_PROVIDER_SERVICE,
                provider=provider.name,
                service=upstream_service_id,
            )
        routes = list(ServiceRoute.objects.select_for_update().filter(service=service))
        existing = [row for row in routes if row.provider_service_id == provider_service.pk]
        if existing:
            return existing[0]
        before = {"routes": _in_order(routes), "rate": service.rate}
        route = ServiceRoute.objects.create(
            service=service,
            provider_service=provider_service,
            priority=max((row.priority for row in routes), default=0) + 1,
            markup=markup,
            own_markup=True,
        )
        _reprice(service)
        after = {"routes": [*before["routes"], route.pk], "rate": service.rate}
        record(acting_user, "route.add", obj=route, before=before, after=after)
    return route


def remove_route(*, acting_user: Actor, route_id: int) -> bool:
    """Stop trying a provider service for a service; the next route, if it becomes the first,
    reprices it. Records `route.remove` (the routes in order and the rate); False, and nothing
    written, when the route is already gone. CatalogError for the last route of a service
    fulfilled by a provider (it needs one)."""
    with transaction.atomic():
        service_id = (
            ServiceRoute.objects.filter(pk=route_id).values_list("service_id", flat=True).first()
        )
        if service_id is None:
            return False
        service = Service.objects.select_for_update().get(pk=service_id)
        routes = list(ServiceRoute.objects.select_for_update().filter(service=service))
        route = next((row for row in routes if row.pk == route_id), None)
        if route is None:
            return False
        if service.fulfilment == Fulfilment.PROVIDER and len(routes) == 1:
            raise CatalogError(CatalogErrorCode.NO_PROVIDER_ROUTE)
        before = {
            "routes": _in_order(routes),
            "rate": service.rate,
            "provider_service": route.provider_service_id,
            "markup": route.markup,
        }
        remaining = _in_order([row for row in routes if row.pk != route_id])
        route.delete()
        route.pk = route_id  # the entry names the route it removed
        _reprice(service)
        after = {"routes": remaining, "rate": service.rate}
        record(acting_user, "route.remove", obj=route, before=before, after=after)
    return True


def _in_order(routes: list[ServiceRoute]) -> list[int]:
    return [row.pk for row in sorted(routes, key=lambda row: (row.priority, row.pk))]
