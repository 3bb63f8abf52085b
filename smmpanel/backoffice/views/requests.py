"""Refills and cancels waiting for the operator."""

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor, record
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import (
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
    Refill,
    RefillStatus,
)
from smmpanel.orders.requests import reject_cancel, set_refill_status
from smmpanel.orders.status import apply_status
from smmpanel.providers import review
from smmpanel.providers.errors import ProviderError

OPEN_REFILL = (RefillStatus.PENDING, RefillStatus.IN_PROGRESS)


@staff_required()
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("orders.change_refill") or user.has_perm("orders.change_cancelrequest")):
        return render_page(request, "backoffice/forbidden.html", "requests", status=403)
    refills = (
        Refill.objects.filter(status__in=OPEN_REFILL)
        .select_related("order__account__user", "order__service")
        .order_by("pk")[:200]
    )
    cancels = (
        CancelRequest.objects.filter(status=CancelStatus.PENDING)
        .select_related("order__account__user", "order__service")
        .order_by("pk")[:200]
    )
    in_review = (
        review.orders_in_review()
        .select_related("account__user", "service")
        .prefetch_related("upstream_orders__provider")
        .order_by("pk")[:200]
    )
    return render_page(
        request,
        "backoffice/requests.html",
        "requests",
        refills=refills,
        cancels=cancels,
        in_review=in_review,
        refill_statuses=[RefillStatus.IN_PROGRESS, RefillStatus.COMPLETED, RefillStatus.REJECTED],
    )


@require_POST
@staff_required("orders.change_refill")
def refill_set(request: HttpRequest, pk: int) -> HttpResponse:
    status = request.POST.get("status", "")
    if status not in RefillStatus.values:
        messages.error(request, _("Incorrect status"))
        return redirect("backoffice:requests")
    with transaction.atomic():
        before = get_object_or_404(Refill, pk=pk).status
        refill = set_refill_status(refill_id=pk, status=status)
        if refill.status != before:
            record(
                Actor.of_request(request),
                "refill.status",
                obj=refill,
                before={"status": before},
                after={"status": refill.status},
            )
    if refill.status == status:
        messages.success(
            request, _("Refill %(id)s is now %(status)s.") % {"id": pk, "status": status}
        )
    else:
        messages.error(
            request, _("Refill %(id)s is already %(status)s.") % {"id": pk, "status": refill.status}
        )
    return redirect("backoffice:requests")


@require_POST
@staff_required("orders.change_cancelrequest", "orders.change_order")
def cancel_decide(request: HttpRequest, pk: int) -> HttpResponse:
    cancel = get_object_or_404(CancelRequest.objects.select_related("order__service"), pk=pk)
    accept = bool(request.POST.get("accept"))
    if cancel.status != CancelStatus.PENDING:
        messages.error(request, _("This cancel request is already %s.") % cancel.status)
        return redirect("backoffice:requests")
    if accept and cancel.order.service.fulfilment != Fulfilment.MANUAL:
        messages.error(request, _("Its fulfilment handles this cancel."))
        return redirect("backoffice:requests")
    try:
        with transaction.atomic():
            before = {"status": cancel.status, "order_status": cancel.order.status}
            if accept:
                apply_status(order_id=cancel.order_id, status=OrderStatus.CANCELED)
            else:
                reject_cancel(cancel_request_id=pk)
            cancel.refresh_from_db()
            cancel.order.refresh_from_db()
            record(
                Actor.of_request(request),
                "cancel.accept" if accept else "cancel.reject",
                obj=cancel,
                before=before,
                after={"status": cancel.status, "order_status": cancel.order.status},
            )
    except OrderError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Cancel of order %(id)s: %(status)s.")
            % {"id": cancel.order_id, "status": cancel.status},
        )
    return redirect("backoffice:requests")


@require_POST
@staff_required("orders.view_order", "orders.change_order")
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """An order whose upstream outcome is unknown: send it again, follow it under the upstream
    id the operator found, or cancel it with a full refund (through the status path)."""
    decision = request.POST.get("decision", "")
    order = get_object_or_404(Order, pk=pk)
    before = {"status": order.status, "next_attempt_at": order.next_attempt_at}
    try:
        with transaction.atomic():
            if decision == "resend":
                changed = review.resend(order_id=pk)
            elif decision == "record":
                changed = review.record_upstream_id(
                    order_id=pk, upstream_id=request.POST.get("upstream_id", "")
                )
            elif decision == "cancel":
                changed = review.cancel_and_refund(order_id=pk)
            else:
                messages.error(request, _("Choose what to do with the order."))
                return redirect("backoffice:requests")
            record(
                Actor.of_request(request),
                f"review.{decision}",
                obj=changed,
                summary=request.POST.get("upstream_id", "")[:64],
                before=before,
                after={"status": changed.status, "next_attempt_at": changed.next_attempt_at},
            )
    except (ProviderError, OrderError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Order %(id)s: %(status)s.") % {"id": pk, "status": changed.status}
        )
    return redirect("backoffice:requests")
