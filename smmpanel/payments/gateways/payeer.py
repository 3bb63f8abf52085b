"""Payeer: its merchant form, posted from the customer's browser, and its status handler.

Follows Payeer's merchant documentation (https://payeer.com/en/merchant/, "Merchant" →
"Integration": the payment form and the "Status handler" sample, the same in the
payeer/merchant sample files):
- "Payment form": POST to https://payeer.com/merchant/ with m_shop (the shop id), m_orderid
  (our payment id), m_amount (two decimals), m_curr, m_desc (base64 of the description) and
  m_sign = upper(SHA-256("m_shop:m_orderid:m_amount:m_curr:m_desc:secret key")), plus
  m_process=send; the panel serves it on an auto-submitting page (`formpost`);
- "Status handler": Payeer POSTs m_operation_id, m_operation_ps, m_operation_date,
  m_operation_pay_date, m_shop, m_orderid, m_amount, m_curr, m_desc, m_status (and m_params
  when the form had them) and m_sign = upper(SHA-256 of those values joined with ":", then
  the secret key); "success" is paid. The handler answers "{m_orderid}|success" when it took
  the payment and "{m_orderid}|error" otherwise. Payeer documents the addresses it calls from
  (185.71.65.92, 185.71.65.189, 149.202.17.210): the credential `allowed_ips` (comma-separated)
  refuses any other, off when empty.
The status handler's address is set in the shop's settings at Payeer. Payeer has no status API
for a shop's order that the panel uses (`polls` is False): an unpaid payment expires.
"""

import base64
import hashlib
import hmac
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse

from smmpanel.audit.log import client_ip
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.formpost import FormCheckout
from smmpanel.payments.gateway import GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

MERCHANT_URL = "https://payeer.com/merchant/"
STATUS_FIELDS = (
    "m_operation_id",
    "m_operation_ps",
    "m_operation_date",
    "m_operation_pay_date",
    "m_shop",
    "m_orderid",
    "m_amount",
    "m_curr",
    "m_desc",
    "m_status",
)


def sha256_upper(values: list[str]) -> str:
    return hashlib.sha256(":".join(values).encode()).hexdigest().upper()


class PayeerGateway(FormCheckout):
    code = "payeer"
    label = "Payeer"
    credential_names = ("shop_id", "secret_key")
    currencies = ("USD", "EUR", "RUB")

    def form(self, payment: Payment, config: MethodConfig) -> tuple[str, list[tuple[str, str]]]:
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        fields = [
            ("m_shop", config.credential("shop_id")),
            ("m_orderid", str(payment.pk)),
            ("m_amount", f"{amount:.2f}"),
            ("m_curr", payment.currency),
            ("m_desc", base64.b64encode(f"Deposit {payment.pk}".encode()).decode()),
        ]
        signature = sha256_upper([value for _, value in fields] + [config.credential("secret_key")])
        action = config.credential("api_url", MERCHANT_URL)
        return action, [*fields, ("m_sign", signature), ("m_process", "send")]

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        data = request.POST
        order_id = data.get("m_orderid", "")
        allowed = {ip.strip() for ip in config.credential("allowed_ips").split(",") if ip.strip()}
        if allowed and client_ip(request) not in allowed:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE, order_id=order_id)
        values = [data.get(name, "") for name in STATUS_FIELDS]
        if "m_params" in data:
            values.append(data["m_params"])
        expected = sha256_upper([*values, config.credential("secret_key")])
        given = data.get("m_sign", "")
        if not given or not hmac.compare_digest(expected, given.upper()):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE, order_id=order_id)
        if data.get("m_shop") != config.credential("shop_id"):
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT, order_id=order_id)
        try:
            amount = Decimal(data.get("m_amount", ""))
        except InvalidOperation:
            raise PaymentError(PaymentErrorCode.AMOUNT_MISMATCH, order_id=order_id) from None
        status = data.get("m_status", "")
        return [
            Report(
                state=GatewayState.PAID if status == "success" else GatewayState.FAILED,
                payment_id=int(order_id) if order_id.isascii() and order_id.isdigit() else None,
                gateway_reference=data.get("m_operation_id", ""),
                amount=amount,
                currency=data.get("m_curr", "").upper(),
                detail=f"payeer: {status}",
            )
        ]

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        report = reports[0]
        order_id = report.payment_id if report.payment_id is not None else ""
        outcome = "success" if report.state == GatewayState.PAID else "error"
        return HttpResponse(f"{order_id}|{outcome}", content_type="text/plain")

    def refusal(self, error: PaymentError) -> HttpResponse:
        return HttpResponse(f"{error.params.get('order_id', '')}|error", content_type="text/plain")
