"""A service's provider routes: which there are, the markup of each, and which is tried first."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.models import Service, ServiceRoute
from smmpanel.inputs import parse_id
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.models import Provider
from smmpanel.providers.routes import add_route, move_route, remove_route, set_route_markup

CHANGE = ("catalog.view_service", "catalog.change_service")


def _back(route: ServiceRoute) -> HttpResponse:
    return redirect("backoffice:service_edit", pk=route.service_id)


@require_POST
@staff_required(*CHANGE)
def route_markup(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_object_or_404(ServiceRoute, pk=pk)
    try:
        markup = Decimal(request.POST.get("markup", "").strip().removesuffix("%"))
        route = set_route_markup(acting_user=Actor.of_request(request), route_id=pk, markup=markup)
    except (InvalidOperation, ProviderError):
        messages.error(request, _("The markup is a percentage from 0."))
    else:
        messages.success(request, _("Markup saved; the rate is now %s.") % route.service.rate)
    return _back(route)


@require_POST
@staff_required(*CHANGE)
def route_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    route = get_object_or_404(ServiceRoute, pk=pk)
    move_route(
        acting_user=Actor.of_request(request), route_id=pk, step=-1 if direction == "up" else 1
    )
    return _back(route)


def _markup_of(text: str | None) -> Decimal | None:
    try:
        markup = Decimal((text or "0").strip().removesuffix("%") or "0")
    except InvalidOperation:
        return None
    return markup if markup.is_finite() else None


@require_POST
@staff_required(*CHANGE)
def route_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a provider service (by its provider and its id there) as the service's last route."""
    service = get_object_or_404(Service, pk=pk)
    provider_id = parse_id(request.POST.get("provider", ""))
    provider = Provider.objects.filter(pk=provider_id).first() if provider_id else None
    markup = _markup_of(request.POST.get("markup"))
    if provider is None:
        messages.error(request, _("Choose a provider."))
    elif markup is None:
        messages.error(request, _("The markup is a percentage from 0."))
    else:
        try:
            add_route(
                acting_user=Actor.of_request(request),
                service_id=service.pk,
                provider_id=provider.pk,
                upstream_service_id=request.POST.get("upstream_service", "")[:100],
                markup=markup,
            )
        except ProviderError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Route saved."))
    return redirect("backoffice:service_edit", pk=service.pk)


@require_POST
@staff_required(*CHANGE)
def route_remove(request: HttpRequest, pk: int) -> HttpResponse:
    route = get_object_or_404(ServiceRoute, pk=pk)
    try:
        remove_route(acting_user=Actor.of_request(request), route_id=pk)
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Route removed."))
    return _back(route)
