"""The gateways' notification endpoint: verify, then approve or reject through the operations."""

from decimal import Decimal, InvalidOperation

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor, client_ip
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import gateways
from smmpanel.payments.models import Payment
from smmpanel.payments.operations import approve_payment, reject_payment


def _same_amount(payment: Payment, amount: str) -> bool:
    try:
        return Decimal(amount) == payment.amount
    except InvalidOperation:
        return False


@csrf_exempt  # a server-to-server notification, authenticated by the gateway's signature
@require_POST
def callback(request: HttpRequest, gateway: str) -> HttpResponse:
    plugin = gateways().get(gateway)
    if plugin is None or not plugin.enabled():
        raise Http404
    try:
        notification = plugin.read_callback(request)
    except PaymentError as error:
        return HttpResponse(error.message, status=403, content_type="text/plain")
    payment = Payment.objects.filter(pk=notification.payment_id, method__gateway=gateway).first()
    if payment is None or not _same_amount(payment, notification.amount):
        return HttpResponse("Unknown payment", status=400, content_type="text/plain")
    # The gateway decides: the audit log names it, with the address its notification came from.
    acting_user = Actor(name=f"gateway:{gateway}", ip=client_ip(request))
    try:
        if notification.paid:
            approve_payment(
                payment_id=payment.pk, acting_user=acting_user, reference=notification.reference
            )
        else:
            reject_payment(
                payment_id=payment.pk, acting_user=acting_user, note="Declined at the gateway"
            )
    except PaymentError as error:
        # A replayed notification: the first one was applied, this one changes nothing.
        if error.code != PaymentErrorCode.ALREADY_DECIDED:
            raise
    if request.POST.get("return") == "customer":
        # The sandbox's checkout page posts here in the customer's browser: send them back.
        return redirect(plugin.return_url())
    return HttpResponse("OK", content_type="text/plain")
