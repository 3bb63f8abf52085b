"""Payments waiting for the operator: approve (deposits once, through the ledger) or reject;
the decision and its audit entry are `payments.operations`'."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.inputs import clean_text, parse_id
from smmpanel.payments.errors import PaymentError
from smmpanel.payments.gateway import gateways
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import approve_payment, reject_payment
from smmpanel.payments.polling import check_now

CHANGE = ("payments.view_payment", "payments.change_payment")


@staff_required(*CHANGE)
def payment_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", PaymentStatus.PENDING)
    method = parse_id(request.GET.get("method"))
    user = clean_text(request.GET.get("user", ""))[:150]
    reference = clean_text(request.GET.get("q", ""))[:255]
    payments = Payment.objects.select_related("account__user", "method").order_by("-id")
    if status in PaymentStatus.values:
        payments = payments.filter(status=status)
    if method is not None:
        payments = payments.filter(method_id=method)
    if user:
        payments = payments.filter(account__user__username__icontains=user)
    if reference:
        payments = payments.filter(
            Q(reference__icontains=reference) | Q(gateway_reference__icontains=reference)
        )
    page = Paginator(payments, 50).get_page(request.GET.get("page"))
    filters = {"status": status, "method": method or "", "user": user, "q": reference}
    return render_page(
        request,
        "backoffice/payments.html",
        "payments",
        page=page,
        query=urlencode({name: value for name, value in filters.items() if value}),
        chosen=status,
        filters=filters,
        methods=PaymentMethod.objects.order_by("sort_order", "pk"),
        statuses=PaymentStatus.choices,
    )


@staff_required(*CHANGE)
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One payment's whole history: created, each notification and check with what the panel
    made of it, credited or closed; and "check with the gateway now"."""
    payment = get_object_or_404(Payment.objects.select_related("account__user", "method"), pk=pk)
    gateway = gateways().get(payment.gateway)
    return render_page(
        request,
        "backoffice/payment.html",
        "payments",
        payment=payment,
        events=payment.events.order_by("pk"),
        can_check=bool(gateway and gateway.polls),
    )


@require_POST
@staff_required(*CHANGE)
def payment_check(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Payment, pk=pk)
    try:
        payment = check_now(payment_id=pk, acting_user=Actor.of_request(request))
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Payment %(id)s: %(status)s.") % {"id": pk, "status": payment.get_status_display()},
        )
    return redirect("backoffice:payment", pk=pk)


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
