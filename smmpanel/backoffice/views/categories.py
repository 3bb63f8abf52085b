"""Categories: create, rename, reorder, and switch all their services on or off."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor, record
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.views.services import CHANGE, move_recorded, services_url, step_of
from smmpanel.catalog import operations
from smmpanel.catalog.models import Category


@require_POST
@staff_required(*CHANGE)
def category_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    step = step_of(direction)
    move_recorded(
        request,
        category,
        "category.move",
        lambda: operations.move_category(category_id=pk, step=step),
    )
    return redirect(f"{services_url()}#category-{pk}")


@require_POST
@staff_required(*CHANGE)
def category_rename(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(Category, pk=pk)
    try:
        with transaction.atomic():
            old, new = operations.rename_category(category_id=pk, name=request.POST.get("name", ""))
            if old != new:
                record(
                    Actor.of_request(request),
                    "category.rename",
                    obj=category,
                    before={"name": old},
                    after={"name": new},
                )
    except operations.CatalogError as error:
        messages.error(request, error.message)
    return redirect(f"{services_url()}#category-{pk}")


@require_POST
@staff_required(*CHANGE)
def category_create(request: HttpRequest) -> HttpResponse:
    try:
        name = operations.category_name(request.POST.get("name", ""))
        with transaction.atomic():
            existed = Category.objects.filter(name=name).exists()
            category = operations.category_named(name)
            if not existed:
                record(
                    Actor.of_request(request),
                    "category.create",
                    obj=category,
                    after={"name": category.name},
                )
    except operations.CatalogError as error:
        messages.error(request, error.message)
        return redirect("backoffice:services")
    return redirect(f"{services_url()}#category-{category.pk}")


@require_POST
@staff_required(*CHANGE)
def category_services_active(request: HttpRequest, pk: int, state: str) -> HttpResponse:
    """Enable or disable every service of a category at once."""
    category = get_object_or_404(Category, pk=pk)
    active = state == "on"
    ids = list(category.services.values_list("pk", flat=True))
    with transaction.atomic():
        changed = operations.set_services_active(service_ids=ids, active=active)
        for service_id in changed:
            record(
                Actor.of_request(request),
                "service.enable" if active else "service.disable",
                object_type="catalog.service",
                object_id=service_id,
                summary=f"category {category.pk}",
                before={"active": not active},
                after={"active": active},
            )
    messages.success(request, _("%(count)s service(s) changed.") % {"count": len(changed)})
    return redirect(f"{services_url()}#category-{pk}")
