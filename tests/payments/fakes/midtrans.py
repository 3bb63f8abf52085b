"""Midtrans' Snap and Core API as their documentation describes them, over real HTTP.

- POST /snap/v1/transactions (Basic auth: the server key, empty password) creates a Snap
  transaction for a new order_id and answers 201 with `token` and `redirect_url`; an order_id
  used before is refused.
- GET /v2/<order_id>/status answers the transaction's status, with `status_code` "404" while
  the customer has not paid (Snap creates the transaction when they choose how to pay).
- `pay(order_id, …)` is the customer paying (or the transaction changing status); it returns
  the HTTP notification Midtrans would POST, signed as the documentation says:
  signature_key = SHA512(order_id + status_code + gross_amount + server key).
"""

import base64
import hashlib
import uuid
from dataclasses import dataclass, field

from tests.payments.fakes.base import FakeGateway, Received, Reply

# The status codes Midtrans reports with each transaction status ("Status Codes" reference).
STATUS_CODES = {
    "settlement": "200",
    "capture": "200",
    "refund": "200",
    "chargeback": "200",
    "partial_refund": "200",
    "pending": "201",
    "authorize": "201",
    "deny": "202",
    "cancel": "202",
    "failure": "202",
    "expire": "407",
}


@dataclass
class Transaction:
    order_id: str
    gross_amount: int
    token: str
    notify: list[str] = field(default_factory=list)
    # None until the customer chooses how to pay.
    status: dict | None = None


class FakeMidtrans(FakeGateway):
    def __init__(self, server_key: str) -> None:
        super().__init__()
        self.server_key = server_key
        self.transactions: dict[str, Transaction] = {}
        self.failing = False

    def route_table(self):
        return [
            ("POST", r"/snap/v1/transactions", self.create),
            ("GET", r"/v2/(?P<order>[^/]+)/status", self.status),
        ]

    def _authorized(self, received: Received) -> bool:
        expected = base64.b64encode(f"{self.server_key}:".encode()).decode()
        return received.header("authorization") == f"Basic {expected}"

    def create(self, received: Received) -> Reply:
        if not self._authorized(received):
            return Reply(401, {"error_messages": ["Access denied due to unauthorized request"]})
        details = (received.json() or {}).get("transaction_details") or {}
        order, amount = details.get("order_id"), details.get("gross_amount")
        if not isinstance(order, str) or not isinstance(amount, int) or amount < 1:
            return Reply(400, {"error_messages": ["transaction_details is invalid"]})
        if order in self.transactions:
            return Reply(400, {"error_messages": ["transaction_details.order_id has been used"]})
        token = str(uuid.uuid4())
        notify = received.header("x-override-notification")
        self.transactions[order] = Transaction(
            order, amount, token, notify.split(",") if notify else []
        )
        return Reply(
            201, {"token": token, "redirect_url": f"{self.url}/snap/v4/redirection/{token}"}
        )

    def status(self, received: Received) -> Reply:
        if not self._authorized(received):
            return Reply(401, {"status_code": "401", "status_message": "Unauthorized"})
        if self.failing:
            return Reply(500, {"status_code": "500", "status_message": "Internal Server Error"})
        found = self.transactions.get(received.match["order"])
        if found is None or found.status is None:
            return Reply(
                200, {"status_code": "404", "status_message": "Transaction doesn't exist."}
            )
        return Reply(200, found.status)

    def sign(self, order: str, status_code: str, gross_amount: str) -> str:
        text = f"{order}{status_code}{gross_amount}{self.server_key}"
        return hashlib.sha512(text.encode()).hexdigest()

    def pay(
        self,
        order: str,
        transaction_status: str = "settlement",
        *,
        gross_amount: int | None = None,
        currency: str = "IDR",
        fraud_status: str = "accept",
        payment_type: str = "bank_transfer",
    ) -> dict:
        """The transaction takes this status; returns the notification Midtrans sends."""
        found = self.transactions.get(order)
        amount = gross_amount if gross_amount is not None else (found.gross_amount if found else 0)
        gross = f"{amount}.00"
        code = STATUS_CODES[transaction_status]
        transaction_id = (
            found.status["transaction_id"] if found and found.status else str(uuid.uuid4())
        )
        status = {
            "transaction_time": "2026-12-04 22:30:00",
            "transaction_status": transaction_status,
            "transaction_id": transaction_id,
            "status_message": "midtrans payment notification",
            "status_code": code,
            "signature_key": self.sign(order, code, gross),
            "payment_type": payment_type,
            "order_id": order,
            "merchant_id": "G000000000",
            "gross_amount": gross,
            "fraud_status": fraud_status,
            "currency": currency,
        }
        if found is not None:
            found.status = status
        return dict(status)
