"""The gateways' notification endpoints: verify, then settle; refuse what can't be verified.

`/payments/callback/<gateway>/<method>/` is the address a method gives its gateway, so the
method's own credentials verify the notification; `/payments/callback/<gateway>/` serves a
gateway whose notifications carry their own proof (the sandbox) or the first method of it.
Anything that can't be verified or matched gets a 4xx and changes nothing.
"""

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt

from smmpanel.audit.log import Actor, client_ip
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Gateway, MethodConfig, config_of, gateways
from smmpanel.payments.models import PaymentEvent, PaymentMethod
from smmpanel.payments.settlement import settle

logger = logging.getLogger(__name__)
# A notification that can't be verified is refused as forbidden; one that is genuine but does
# not match a payment of ours (unknown, other amount or currency) as a bad request.
FORBIDDEN = {PaymentErrorCode.BAD_SIGNATURE}


def _refused(plugin: Gateway, error: PaymentError) -> HttpResponse:
    logger.warning("payment notification from %s refused: %s", plugin.code, error.code)
    response = plugin.refusal(error)
    if response is None:
        response = HttpResponse(error.message, content_type="text/plain")
    response.status_code = 403 if error.code in FORBIDDEN else 400
    return response


@csrf_exempt  # a server-to-server notification, authenticated by the gateway's signature
def callback(request: HttpRequest, gateway: str, method: int | None = None) -> HttpResponse:
    plugin = gateways().get(gateway)
    if plugin is None or not plugin.enabled():
        raise Http404
    if request.method not in plugin.notification_methods:
        return HttpResponseNotAllowed(plugin.notification_methods)
    methods = PaymentMethod.objects.filter(gateway=gateway).order_by("pk")
    found = (methods.filter(pk=method) if method is not None else methods).first()
    if found is None and method is not None:
        raise Http404
    try:
        # Without a method, the notification must carry its own proof (the sandbox's).
        config = config_of(found) if found else MethodConfig(0, settings.CURRENCY)
    except ValueError:
        logger.error("payment method %s: its credentials can't be read", method)
        return HttpResponse("Not configured", status=503, content_type="text/plain")
    # The gateway decides: the audit log names it, with the address its notification came from.
    acting_user = Actor(name=f"gateway:{gateway}", ip=client_ip(request))
    try:
        reports = plugin.read_notification(request, config)
        for report in reports:
            settle(
                gateway=gateway,
                report=report,
                acting_user=acting_user,
                source=PaymentEvent.Kind.NOTIFICATION,
            )
    except PaymentError as error:
        return _refused(plugin, error)
    if request.POST.get("return") == "customer":
        # The sandbox's checkout page posts here in the customer's browser: send them back.
        return redirect(plugin.return_url())
    return plugin.acknowledge(reports)
