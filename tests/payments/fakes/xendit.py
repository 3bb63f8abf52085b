"""Xendit's Invoices API v2 as its documentation describes it, over real HTTP.

- POST /v2/invoices (Basic auth: the secret key, empty password) creates an invoice for an
  `external_id` and answers the Invoice object (id, invoice_url, status PENDING, …).
- GET /v2/invoices/<id> answers the invoice as it is now.
- `pay(invoice_id, …)` is the customer paying (or the invoice expiring); it returns the callback
  Xendit would POST, with the account's verification token in `x-callback-token`.
"""

import base64
import uuid

from tests.payments.fakes.base import FakeGateway, Received, Reply

NOW = "2026-12-04T22:30:00.000Z"


class FakeXendit(FakeGateway):
    def __init__(self, secret_key: str, callback_token: str) -> None:
        super().__init__()
        self.secret_key = secret_key
        self.callback_token = callback_token
        self.invoices: dict[str, dict] = {}
        self.failing = False

    def route_table(self):
        return [
            ("POST", r"/v2/invoices/?", self.create),
            ("GET", r"/v2/invoices/(?P<invoice>[^/]+)", self.get),
        ]

    def _authorized(self, received: Received) -> bool:
        expected = base64.b64encode(f"{self.secret_key}:".encode()).decode()
        return received.header("authorization") == f"Basic {expected}"

    def _refusal(self, received: Received) -> Reply | None:
        if self.failing:
            return Reply(500, {"error_code": "SERVER_ERROR", "message": "Something went wrong"})
        if not self._authorized(received):
            return Reply(401, {"error_code": "INVALID_API_KEY", "message": "API key is invalid"})
        return None

    def create(self, received: Received) -> Reply:
        if refused := self._refusal(received):
            return refused
        body = received.json() or {}
        if not isinstance(body.get("external_id"), str) or not body.get("amount"):
            return Reply(400, {"error_code": "API_VALIDATION_ERROR", "message": "invalid"})
        invoice_id = uuid.uuid4().hex[:24]
        invoice = {
            "id": invoice_id,
            "external_id": body["external_id"],
            "user_id": "5f0c4bc5e2f2d1b9d1b0a0a0",
            "status": "PENDING",
            "merchant_name": "SMM panel",
            "merchant_profile_picture_url": "https://example.com/logo.png",
            "amount": body["amount"],
            "description": body.get("description"),
            "expiry_date": "2026-12-05T22:30:00.000Z",
            "invoice_url": f"{self.url}/web/invoices/{invoice_id}",
            "available_banks": [],
            "available_retail_outlets": [],
            "available_ewallets": [],
            "available_qr_codes": [],
            "available_direct_debits": [],
            "available_paylaters": [],
            "should_exclude_credit_card": False,
            "should_send_email": False,
            "success_redirect_url": body.get("success_redirect_url"),
            "failure_redirect_url": body.get("failure_redirect_url"),
            "created": NOW,
            "updated": NOW,
            "currency": body.get("currency", "IDR"),
        }
        self.invoices[invoice_id] = invoice
        return Reply(200, invoice)

    def get(self, received: Received) -> Reply:
        if refused := self._refusal(received):
            return refused
        invoice = self.invoices.get(received.match["invoice"])
        if invoice is None:
            return Reply(404, {"error_code": "INVOICE_NOT_FOUND_ERROR", "message": "not found"})
        return Reply(200, invoice)

    def pay(
        self,
        invoice_id: str,
        status: str = "PAID",
        *,
        paid_amount: float | None = None,
        currency: str | None = None,
    ) -> dict:
        """The invoice takes this status; returns the callback's JSON body."""
        invoice = self.invoices[invoice_id]
        invoice["status"] = status
        invoice["updated"] = NOW
        if currency is not None:
            invoice["currency"] = currency
        callback = {
            "id": invoice_id,
            "external_id": invoice["external_id"],
            "user_id": invoice["user_id"],
            "is_high": False,
            "status": status,
            "merchant_name": invoice["merchant_name"],
            "amount": invoice["amount"],
            "created": invoice["created"],
            "updated": NOW,
            "currency": invoice["currency"],
        }
        if status in ("PAID", "SETTLED"):
            paid = invoice["amount"] if paid_amount is None else paid_amount
            invoice.update(paid_amount=paid, paid_at=NOW, payment_method="BANK_TRANSFER")
            callback.update(
                paid_amount=paid,
                paid_at=NOW,
                payer_email="customer@example.com",
                payment_method="BANK_TRANSFER",
                payment_channel="BCA",
                payment_destination="8808999917965673",
            )
        return callback
