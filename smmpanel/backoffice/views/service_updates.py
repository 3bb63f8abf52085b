"""The entries of the public Updates page, for the operator to hide (or show again); each
through the catalog's audited action."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.catalog.models import ServiceUpdate
from smmpanel.catalog.updates import set_update_hidden

CHANGE = ("catalog.view_service", "catalog.change_service")
PAGE_SIZE = 50


@staff_required(*CHANGE)
def update_list(request: HttpRequest) -> HttpResponse:
    updates = ServiceUpdate.objects.select_related("service__category").order_by(
        "-created_at", "-id"
    )
    page = Paginator(updates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "backoffice/service_updates.html", "updates", page=page)


@require_POST
@staff_required(*CHANGE)
def update_hide(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_object_or_404(ServiceUpdate, pk=pk)
    set_update_hidden(
        acting_user=Actor.of_request(request), update_id=update.pk, hidden=not update.hidden
    )
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() and len(page) < 9 else ""
    return redirect(f"{reverse('backoffice:updates')}{suffix}#update-{pk}")
