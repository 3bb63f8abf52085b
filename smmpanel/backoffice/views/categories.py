"""Categories: create, rename, reorder, and switch all their services on or off."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.views.services import CHANGE, services_url, step_of
from smmpanel.catalog import operations
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.models import Category


@require_POST
@staff_required(*CHANGE)
def category_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    operations.move_category(
        acting_user=Actor.of_request(request), category_id=category.pk, step=step_of(direction)
    )
    return redirect(f"{services_url()}#category-{pk}")


@require_POST
@staff_required(*CHANGE)
def category_rename(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    try:
        operations.rename_category(
            acting_user=Actor.of_request(request),
            category_id=category.pk,
            name=request.POST.get("name", ""),
        )
    except CatalogError as error:
        messages.error(request, error.message)
    return redirect(f"{services_url()}#category-{pk}")


@require_POST
@staff_required(*CHANGE)
def category_create(request: HttpRequest) -> HttpResponse:
    try:
        category = operations.create_category(
            acting_user=Actor.of_request(request), name=request.POST.get("name", "")
        )
    except CatalogError as error:
        messages.error(request, error.message)
        return redirect("backoffice:services")
    return redirect(f"{services_url()}#category-{category.pk}")


@require_POST
@staff_required(*CHANGE)
def category_services_active(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    """Enable or disable every service of a category at once."""
    category = get_object_or_404(Category, pk=pk)
    changed = operations.set_category_active(
        acting_user=Actor.of_request(request), category_id=category.pk, active=state == "on"
    )
    messages.success(request, _("%(count)s service(s) changed.") % {"count": len(changed)})
    return redirect(f"{services_url()}#category-{pk}")
