"""Casso (Vietnam): the operator's bank account watched, each transaction reported (webhook v2).

Follows https://developer.casso.vn (stable v2), "Kết nối Casso bằng Webhook":
- "Thiết lập Webhook thủ công" (manual webhook set-up), "Cấu trúc dữ liệu gửi qua Webhook":
  the POSTed JSON `{"error": 0, "data": {...}}`, the transaction with `id` (Casso's),
  `reference` (the bank's), `description`, `amount` (negative for money out),
  `runningBalance`, `transactionDateTime`, `accountNumber`, `bankName`, ... (the v1 webhook
  sent `data` as a list: a list is read too);
- "Xử lý sự kiện Webhook" (handling the event): the header
  `X-Casso-Signature: t=<timestamp ms>,v1=<hex>`, where v1 is the HMAC-SHA512, keyed with the
  webhook's checksum key, of `<timestamp>.<the body, its keys sorted recursively, as
  JSON.stringify writes it>`; a 2xx answer ends the delivery (`{"success": true}` here).
The payment is matched by its code in `description` (`payments.transfers`). The status of a
payment of ours can't be asked: Casso's transaction API lists the account's transactions, and a
lost webhook is resent from Casso's delivery log, or the operator credits by hand.

Credentials: `checksum_key`; optional `account_number`, `bank_name`, `account_name`,
`bank_bin` (the account and the VietQR code shown to the customer).
"""

import hashlib
import hmac
import json
import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import MethodConfig, Report
from smmpanel.payments.transfers import BankTransferGateway, Transfer, amount_of

HEADER = re.compile(r"t=(\d+),v1=([0-9a-f]+)")


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def signature(body: Any, timestamp: str, checksum_key: str) -> str:
    """v1 of X-Casso-Signature for the parsed body (JSON.stringify: no spaces, raw UTF-8)."""
    text = json.dumps(_sorted(body), separators=(",", ":"), ensure_ascii=False)
    message = f"{timestamp}.{text}".encode()
    return hmac.new(checksum_key.encode(), message, hashlib.sha512).hexdigest()


class CassoGateway(BankTransferGateway):
    code = "casso"
    label = "Casso"
    credential_names = ("checksum_key",)
    currencies = ("VND",)

    def transfers(self, request: HttpRequest, config: MethodConfig) -> list[Transfer]:
        found = HEADER.fullmatch(request.headers.get("X-Casso-Signature", "").strip())
        key = config.credential("checksum_key")
        try:
            body: Any = json.loads(request.body)
        except ValueError:
            body = None
        if found is None or not key or not isinstance(body, dict):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        timestamp, given = found.groups()
        if not hmac.compare_digest(signature(body, timestamp, key), given):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        rows = body.get("data")
        rows = rows if isinstance(rows, list) else [rows]
        transfers = []
        for row in rows:
            amount = amount_of(row.get("amount")) if isinstance(row, dict) else None
            if amount is None or row.get("id") in (None, ""):
                raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
            transfers.append(
                Transfer(
                    id=str(row["id"]),
                    amount=abs(amount),
                    description=str(row.get("description") or ""),
                    incoming=amount > 0,
                )
            )
        return transfers

    def acknowledge(self, reports: list[Report]) -> HttpResponse:
        return JsonResponse({"success": True})
