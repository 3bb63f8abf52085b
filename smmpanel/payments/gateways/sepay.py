"""SePay (Vietnam): the operator's bank account watched, each incoming transfer reported.

Follows https://developer.sepay.vn/en/sepay-webhooks (SePay Webhooks):
- "Integrate webhook" (tich-hop-webhook): the POSTed JSON of one transaction: `id` (SePay's
  transaction id, unique: the deduplication key), `gateway` (the bank), `transactionDate`,
  `accountNumber`, `code` (the payment code SePay recognised, or null), `content` (the
  transfer's description), `transferType` ("in" or "out"), `transferAmount`, `accumulated`,
  `subAccount`, `referenceCode` (the bank's reference), `description`;
- "Authentication", API Key: the request carries `Authorization: Apikey <API key>`;
- "Quick start": the receiver answers `{"success": true}` with HTTP 200 (anything else and SePay
  retries, up to 7 times).
The payment is matched by its code in `content` (`payments.transfers`). SePay has no status
API for a payment of ours: a lost webhook is replayed from SePay's delivery log, or the
operator credits the payment by hand.

Credentials: `api_key` (the webhook's API key); optional `account_number`, `bank_name`,
`account_name` and `bank_bin` (the account and the VietQR code shown to the customer).
"""

import hmac
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import MethodConfig, Report
from smmpanel.payments.transfers import BankTransferGateway, Transfer, amount_of


class SepayGateway(BankTransferGateway):
    code = "sepay"
    label = "SePay"
    credential_names = ("api_key",)
    currencies = ("VND",)

    def transfers(self, request: HttpRequest, config: MethodConfig) -> list[Transfer]:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        expected = config.credential("api_key")
        if (
            scheme.lower() != "apikey"
            or not expected
            or not hmac.compare_digest(key.strip().encode(), expected.encode())
        ):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        try:
            data: Any = json.loads(request.body)
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        amount = amount_of(data.get("transferAmount")) if isinstance(data, dict) else None
        if amount is None or data.get("id") in (None, ""):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        words = (data.get("content"), data.get("code"))
        return [
            Transfer(
                id=str(data["id"]),
                amount=amount,
                description=" ".join(str(word) for word in words if word),
                incoming=data.get("transferType") == "in",
            )
        ]

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        return JsonResponse({"success": True})
