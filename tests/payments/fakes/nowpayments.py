"""NOWPayments' API as its documentation describes it: invoices created with `x-api-key`,
payments listed by invoice with a JWT, IPNs signed with HMAC-SHA512 of the sorted body."""

import hashlib
import hmac
import json
from itertools import count
from typing import Any

from tests.payments.fakes.base import FakeGateway, Received, Reply

API_KEY = "NOWP-API-KEY"
IPN_SECRET = "nowpayments-ipn-secret"
EMAIL, PASSWORD = "owner@example.com", "dashboard-password"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.fake.jwt"


def sort_object(value: Any) -> Any:
    """The docs' sortObject: keys sorted at every level."""
    if isinstance(value, dict):
        return {key: sort_object(value[key]) for key in sorted(value)}
    return value


def js_stringify(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class FakeNowPayments(FakeGateway):
    def __init__(self) -> None:
        super().__init__()
        self.invoices: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, list[dict[str, Any]]] = {}
        self._ids = count(4522625843)

    def route_table(self):
        return [
            ("POST", r"/v1/invoice", self.create_invoice),
            ("POST", r"/v1/auth", self.auth),
            ("GET", r"/v1/payment/", self.list_payments),
        ]

    def create_invoice(self, received: Received) -> Reply:
        if received.header("x-api-key") != API_KEY:
            return Reply(403, {"statusCode": 403, "code": "INVALID_API_KEY"})
        data = received.json()
        invoice_id = str(next(self._ids))
        invoice = {
            "id": invoice_id,
            "order_id": data["order_id"],
            "order_description": data.get("order_description"),
            "price_amount": str(data["price_amount"]),
            "price_currency": data["price_currency"],
            "pay_currency": None,
            "ipn_callback_url": data.get("ipn_callback_url"),
            "invoice_url": f"https://nowpayments.io/payment/?iid={invoice_id}",
            "success_url": data.get("success_url"),
            "cancel_url": data.get("cancel_url"),
            "created_at": "2026-12-04T22:00:00.000Z",
            "updated_at": "2026-12-04T22:00:00.000Z",
        }
        self.invoices[invoice_id] = {**invoice, "price_amount": data["price_amount"]}
        return Reply(200, invoice)

    def auth(self, received: Received) -> Reply:
        if received.json() != {"email": EMAIL, "password": PASSWORD}:
            return Reply(401, {"statusCode": 401, "message": "Invalid credentials"})
        return Reply(200, {"token": TOKEN})

    def list_payments(self, received: Received) -> Reply:
        if received.header("x-api-key") != API_KEY:
            return Reply(403, {"statusCode": 403, "code": "INVALID_API_KEY"})
        if received.header("authorization") != f"Bearer {TOKEN}":
            return Reply(401, {"statusCode": 401, "code": "AUTH_REQUIRED"})
        rows = self.payments.get(received.query.get("invoiceId", ""), [])
        return Reply(
            200, {"data": rows, "limit": 100, "page": 0, "pagesCount": 1, "total": len(rows)}
        )

    def payment(self, invoice: str, status: str = "finished", **changes) -> dict[str, Any]:
        """The customer pays the invoice (one NOWPayments payment on it, in this state)."""
        invoice_id, invoice = invoice, self.invoices[invoice]
        row = {
            "payment_id": 5077125051,
            "invoice_id": int(invoice_id),
            "payment_status": status,
            "pay_address": "0xd1cDE08A07cD25adEbEd35c3867a59228C09B606",
            "price_amount": invoice["price_amount"],
            "price_currency": invoice["price_currency"],
            "pay_amount": 0.00012345,
            "actually_paid": 0.00012345 if status == "finished" else 0,
            "actually_paid_at_fiat": 0,
            "pay_currency": "btc",
            "order_id": invoice["order_id"],
            "order_description": invoice["order_description"],
            "purchase_id": "5837122679",
            "outcome_amount": 0.0001211,
            "outcome_currency": "btc",
            "payment_extra_ids": None,
            "fee": {"currency": "btc", "depositFee": 0, "withdrawalFee": 0, "serviceFee": 0},
            "updated_at": 1733349600000,
            **changes,
        }
        self.payments[invoice_id] = [row]
        return row

    def ipn(self, invoice: str, status: str = "finished", secret: str = IPN_SECRET, **changes):
        """The IPN body and its `x-nowpayments-sig`, as NOWPayments' server sends them."""
        row = self.payment(invoice, status, **changes)
        body = js_stringify(row).encode()
        digest = hmac.new(secret.encode(), js_stringify(sort_object(row)).encode(), hashlib.sha512)
        return body, digest.hexdigest()
