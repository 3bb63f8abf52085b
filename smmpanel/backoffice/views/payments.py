"""Payments waiting for the operator: approve (deposits once, through the ledger) or reject;
the decision and its audit entry are `payments.operations`'."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.payments.errors import PaymentError
from smmpanel.payments.models import Payment, PaymentStatus
from smmpanel.payments.operations import approve_payment, reject_payment

CHANGE = ("payments.view_payment", "payments.change_payment")


@staff_required(*CHANGE)
def payment_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PaymentStatus.PENDING)
    payments = Payment.objects.select_related("account__user", "method").order_by("-id")
    if status in PaymentStatus.values:
        payments = payments.filter(status=status)
    page = Paginator(payments, 50).get_page(request.GET.get("page"))
    return render_page(
        request,
        "backoffice/payments.html",
        "payments",
        page=page,
        query=f"status={status}",
        chosen=status,
        statuses=PaymentStatus.choices,
    )


@require_POST
@staff_required(*CHANGE)
def payment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    approve = bool(request.POST.get("approve"))
    note = request.POST.get("note", "")
    message = request.POST.get("message", "")
    decide = approve_payment if approve else reject_payment
    try:
        payment = decide(
            payment_id=pk, acting_user=Actor.of_request(request), note=note, message=message
        )
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Payment %(id)s: %(status)s.") % {"id": pk, "status": payment.get_status_display()},
        )
    return redirect("backoffice:payments")
