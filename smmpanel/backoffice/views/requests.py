"""Refills and cancels waiting for the operator."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.fulfilment.actions import cancel_in_review, follow_in_review, resend_in_review
from smmpanel.orders.cancels import accept_cancel, reject_cancel
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import CancelRequest, CancelStatus, Order, Refill, RefillStatus
from smmpanel.orders.refills import OPEN, set_refill_status
from smmpanel.providers import review
from smmpanel.providers.errors import ProviderError


@staff_required()
def request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("orders.change_refill") or user.has_perm("orders.change_cancelrequest")):
        return render_page(request, "backoffice/forbidden.html", "requests", status=403)
    refills = (
        Refill.objects.filter(status__in=OPEN)
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
    try:
        refill = set_refill_status(
            refill_id=pk, status=status, acting_user=Actor.of_request(request)
        )
    except Refill.DoesNotExist:
        raise Http404 from None
    except OrderError as error:
        messages.error(request, error.message)
        return redirect("backoffice:requests")
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
    accept = bool(request.POST.get("accept"))
    decide, decided = (
        (accept_cancel, CancelStatus.ACCEPTED) if accept else (reject_cancel, CancelStatus.REJECTED)
    )
    try:
        cancel = decide(cancel_id=pk, acting_user=Actor.of_request(request))
    except CancelRequest.DoesNotExist:
        raise Http404 from None
    except OrderError as error:
        messages.error(request, error.message)
    else:
        if cancel.status != decided:
            messages.error(request, _("This cancel request is already %s.") % cancel.status)
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
    get_object_or_404(Order.objects.only("pk"), pk=pk)
    acting_user = Actor.of_request(request)
    try:
        if decision == "resend":
            changed = resend_in_review(order_id=pk, acting_user=acting_user)
        elif decision == "record":
            changed = follow_in_review(
                order_id=pk,
                upstream_id=request.POST.get("upstream_id", ""),
                acting_user=acting_user,
            )
        elif decision == "cancel":
            changed = cancel_in_review(order_id=pk, acting_user=acting_user)
        else:
            messages.error(request, _("Choose what to do with the order."))
            return redirect("backoffice:requests")
    except (ProviderError, OrderError) as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Order %(id)s: %(status)s.") % {"id": pk, "status": changed.status}
        )
    return redirect("backoffice:requests")
