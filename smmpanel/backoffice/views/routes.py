"""A service's provider routes: the markup of each, and which is tried first."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.catalog.models import ServiceRoute
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.routes import move_route, set_route_markup

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
