"""Cryptomus' merchant API as https://doc.cryptomus.com/ describes it: invoices created and
looked up with the `merchant` and `sign` headers, webhooks signed in their `sign` field."""

import uuid
from typing import Any

from smmpanel.payments.gateways.cryptomus import php_json, sign
from tests.payments.fakes.base import FakeGateway, Received, Reply

MERCHANT = "8b03432e-385b-4670-8d06-064591096795"
API_KEY = "cryptomus-payment-api-key"


class FakeCryptomus(FakeGateway):
    def __init__(self) -> None:
        super().__init__()
        self.invoices: dict[str, dict[str, Any]] = {}

    def route_table(self):
        return [
            ("POST", r"/v1/payment", self.create),
            ("POST", r"/v1/payment/info", self.info),
        ]

    def _refused(self, received: Received) -> Reply | None:
        if received.header("merchant") != MERCHANT:
            return Reply(401, {"state": 1, "message": "merchant not found"})
        if received.header("sign") != sign(received.body, API_KEY):
            return Reply(401, {"state": 1, "message": "Invalid Sign"})
        return None

    def create(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        data = received.json()
        invoice = {
            "uuid": str(uuid.uuid4()),
            "order_id": data["order_id"],
            "amount": data["amount"],
            "payment_amount": None,
            "payer_amount": None,
            "payer_currency": None,
            "currency": data["currency"],
            "merchant_amount": None,
            "network": None,
            "address": None,
            "payment_status": "check",
            "url": f"https://pay.cryptomus.com/pay/{data['order_id']}",
            "is_final": False,
            "additional_data": None,
        }
        invoice["url"] = f"https://pay.cryptomus.com/pay/{invoice['uuid']}"
        self.invoices[invoice["uuid"]] = invoice
        return Reply(200, {"state": 0, "result": invoice})

    def info(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        invoice = self.invoices.get(received.json().get("uuid", ""))
        if invoice is None:
            return Reply(404, {"state": 1, "message": "Payment not found"})
        return Reply(200, {"state": 0, "result": invoice})

    def pay(self, invoice_uuid: str, status: str = "paid", paid: str | None = None) -> None:
        """The customer pays: the invoice's status changes (no webhook is sent)."""
        invoice = self.invoices[invoice_uuid]
        invoice.update(
            payment_status=status,
            payment_amount=paid or invoice["amount"],
            payer_currency="USDT",
            is_final=status not in ("check", "process", "confirm_check"),
        )

    def webhook(self, invoice_uuid: str, status: str = "paid", key: str = API_KEY, **changes):
        """The webhook Cryptomus posts for the invoice, its `sign` field over the rest."""
        invoice = self.invoices[invoice_uuid]
        body = {
            "type": "payment",
            "uuid": invoice["uuid"],
            "order_id": invoice["order_id"],
            "amount": invoice["amount"],
            "payment_amount": changes.pop("payment_amount", invoice["amount"]),
            "payment_amount_usd": invoice["amount"],
            "merchant_amount": invoice["amount"],
            "commission": "0.00",
            "is_final": status not in ("check", "process", "confirm_check"),
            "status": status,
            "from": None,
            "wallet_address_uuid": None,
            "network": "tron",
            "currency": invoice["currency"],
            "payer_currency": "USDT",
            "additional_data": "deposit/smmpanel",
            "convert": {"to_currency": "USDT", "commission": None, "rate": "1.00"},
            "txid": "6f0d9c8374db57cac0d806251473de754f361c83a03cd805f74aa9da3193486b",
            **changes,
        }
        return php_json({**body, "sign": sign(php_json(body), key)})
