"""Moota (Indonesia): the operator's bank accounts watched, new mutations pushed by webhook.

Follows Moota's webhook (https://moota.co, "Webhook"; read in the official PHP SDK
github.com/moota-co/moota-php-sdk `MootaWebhook::signatureCheck` and its payload as the Laravel
package atfromhome/laravel-moota documents it in `data/webhook-body.json`):
- the POSTed JSON is a list of mutations: `mutation_id` (Moota's, unique), `bank_id`,
  `account_number`, `date`, `description` (the transfer's news), `amount`, `type` ("CR" money
  in, "DB" money out), `balance`, `note`, `token`, `bank` {...};
- the `Signature` header is the hex HMAC-SHA256 of the raw body keyed with the webhook's secret
  token;
- any 2xx answer is taken ("OK").
The payment is matched by its code in `description` (`payments.transfers`); no status API for a
payment of ours (a lost webhook is resent from Moota's dashboard, or credited by hand).

Credentials: `secret` (the webhook's secret token); optional `account_number`, `bank_name`,
`account_name` shown to the customer.
"""

import hashlib
import hmac
import json
from typing import Any

from django.http import HttpRequest

from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import MethodConfig
from smmpanel.payments.transfers import BankTransferGateway, Transfer, amount_of


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class MootaGateway(BankTransferGateway):
    code = "moota"
    label = "Moota"
    credential_names = ("secret",)
    currencies = ("IDR",)

    def transfers(self, request: HttpRequest, config: MethodConfig) -> list[Transfer]:
        secret = config.credential("secret")
        given = request.headers.get("Signature", "").strip().lower()
        if not secret or not hmac.compare_digest(signature(request.body, secret), given):
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
        try:
            rows: Any = json.loads(request.body)
        except ValueError:
            raise PaymentError(PaymentErrorCode.BAD_SIGNATURE) from None
        if isinstance(rows, dict):
            rows = rows.get("data") or [rows]
        transfers = []
        for row in rows if isinstance(rows, list) else []:
            amount = amount_of(row.get("amount")) if isinstance(row, dict) else None
            if amount is None or not row.get("mutation_id"):
                raise PaymentError(PaymentErrorCode.BAD_SIGNATURE)
            transfers.append(
                Transfer(
                    id=str(row["mutation_id"]),
                    amount=amount,
                    description=str(row.get("description") or ""),
                    incoming=row.get("type") == "CR",
                )
            )
        return transfers
