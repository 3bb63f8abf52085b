"""MoMo (Vietnam): the customer pays in the MoMo e-wallet (AIO v2 "captureWallet"), MoMo's IPN
says the outcome.

Follows https://developers.momo.vn/v3/docs/payment/api/wallet/onetime (One-Time Payments):
- "Initiate payment method", POST /v2/gateway/api/create: partnerCode, requestId, amount
  (Long, VND), orderId (our payment id), orderInfo, redirectUrl, ipnUrl, requestType
  "captureWallet", extraData "", lang; signature the HMAC-SHA256 (secret key) of
  `accessKey=&amount=&extraData=&ipnUrl=&orderId=&orderInfo=&partnerCode=&redirectUrl=
  &requestId=&requestType=`; the answer's resultCode 0 with payUrl;
- "Process payment result", the IPN (POST JSON to ipnUrl): partnerCode, orderId, requestId,
  amount, orderInfo, orderType, transId, resultCode, message, payType, responseTime,
  extraData, signature over `accessKey=&amount=&extraData=&message=&orderId=&orderInfo=
  &orderType=&partnerCode=&payType=&requestId=&responseTime=&resultCode=&transId=`; the
  partner answers HTTP 204 No Content;
- "Query transaction status", POST /v2/gateway/api/query: partnerCode, requestId, orderId, lang,
  signature over `accessKey=&orderId=&partnerCode=&requestId=`;
- "Result codes": 0 success; 1000 initiated (waiting for the customer), 7000 / 7002 being
  processed, 9000 authorized: waiting; 1005 the URL or QR code expired; others failed.

Credentials: `partner_code`, `access_key`, `secret_key`; `api_url` another host
(test: https://test-payment.momo.vn).
"""

import hashlib
import hmac
import json
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.http import HttpRequest, HttpResponse

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, Gateway, GatewayState, MethodConfig, Report
from smmpanel.payments.models import Payment

API_URL = "https://payment.momo.vn"
TIMEOUT = 15
CREATE = (
    "accessKey",
    "amount",
    "extraData",
    "ipnUrl",
    "orderId",
    "orderInfo",
    "partnerCode",
    "redirectUrl",
    "requestId",
    "requestType",
)
IPN = (
    "accessKey",
    "amount",
    "extraData",
    "message",
    "orderId",
    "orderInfo",
    "orderType",
    "partnerCode",
    "payType",
    "requestId",
    "responseTime",
    "resultCode",
    "transId",
)
QUERY = ("accessKey", "orderId", "partnerCode", "requestId")
WAITING = {1000, 7000, 7002, 9000}
# The documented final failures (insufficient funds, denied, cancelled, limits, restricted...):
# a status check names a failure only with one of these, other codes leave the payment waiting.
FAILURES = {1001, 1002, 1003, 1004, 1005, 1006, 1007, 1017, 1026, 1080, 1081, 4001, 4100}


def signature(secret: str, values: dict[str, Any], names: tuple[str, ...]) -> str:
    raw = "&".join(f"{name}={'' if values.get(name) is None else values[name]}" for name in names)
    return hmac.new(secret.encode(), raw.encode(), hashlib.sha256).hexdigest()


def _state(result: object) -> GatewayState:
    code = int(result) if isinstance(result, int | str) and str(result).isdigit() else -1
    if code == 0:
        return GatewayState.PAID
    if code in WAITING:
        return GatewayState.PENDING
    return GatewayState.EXPIRED if code == 1005 else GatewayState.FAILED


def _amount(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise PaymentError(PaymentErrorCode.AMOUNT_MISMATCH) from None


def _payment_id(order_id: object) -> int | None:
    text = str(order_id)
    return int(text) if text.isascii() and text.isdigit() else None


class MomoGateway(Gateway):
    code = "momo"
    label = "MoMo"
    credential_names = ("partner_code", "access_key", "secret_key")
    currencies = ("VND",)
    polls = True

    def _post(self, config: MethodConfig, path: str, body: dict[str, Any]) -> dict[str, Any]:
        base = (config.credential("api_url") or API_URL).rstrip("/")
        reply = httpx.post(f"{base}{path}", json=body, timeout=TIMEOUT)
        reply.raise_for_status()
        data = reply.json()
        if not isinstance(data, dict):
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return data

    def start(self, payment: Payment, config: MethodConfig) -> Checkout:
        amount = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
        body: dict[str, Any] = {
            "partnerCode": config.credential("partner_code"),
            "requestId": uuid.uuid4().hex,
            "amount": int(amount),
            "orderId": str(payment.pk),
            "orderInfo": f"Nap tien thanh toan {payment.pk}",
            "redirectUrl": self.return_url(payment),
            "ipnUrl": self.callback_url(config),
            "requestType": "captureWallet",
            "extraData": "",
            "lang": "vi",
        }
        signed = {**body, "accessKey": config.credential("access_key")}
        body["signature"] = signature(config.credential("secret_key"), signed, CREATE)
        data = self._post(config, "/v2/gateway/api/create", body)
        if data.get("resultCode") != 0 or not data.get("payUrl"):
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        return Checkout(url=str(data["payUrl"]))

    def read_notification(self, request: HttpRequest, config: MethodConfig) -> list[Report]:
        try:
            data: Any = json.loads(request.body)
        except ValueError:
            data = None
        secret = config.credential("secret_key")
        if not isinstance(data, dict) or not secret or not isinstance(data.get("signature"), str):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        signed = {**data, "accessKey": config.credential("access_key")}
        if not hmac.compare_digest(signature(secret, signed, IPN), data["signature"]):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        if data.get("partnerCode") != config.credential("partner_code"):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        payment_id = _payment_id(data.get("orderId"))
        if payment_id is None:
            raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
        return [self._report(payment_id, data, "IPN")]

    def _report(self, payment_id: int, data: dict[str, Any], source: str) -> Report:
        trans = str(data.get("transId") or "")
        return Report(
            state=_state(data.get("resultCode")),
            payment_id=payment_id,
            gateway_reference=trans if trans.strip("0") else "",
            amount=_amount(data.get("amount")),
            currency="VND",
            detail=f"{source} resultCode {data.get('resultCode')}: {data.get('message', '')}",
        )

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        return HttpResponse(status=204)

    def check(self, payment: Payment, config: MethodConfig) -> Report | None:
        body: dict[str, Any] = {
            "partnerCode": config.credential("partner_code"),
            "requestId": uuid.uuid4().hex,
            "orderId": str(payment.pk),
            "lang": "vi",
        }
        signed = {**body, "accessKey": config.credential("access_key")}
        body["signature"] = signature(config.credential("secret_key"), signed, QUERY)
        data = self._post(config, "/v2/gateway/api/query", body)
        if str(data.get("orderId")) != str(payment.pk):
            raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE)
        if data.get("resultCode") not in {0} | WAITING | FAILURES:
            return None
        return self._report(payment.pk, data, "query")
