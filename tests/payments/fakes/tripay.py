"""Tripay's closed-payment API as its documentation describes it, over real HTTP.

- POST /transaction/create (Authorization: Bearer <api key>) checks the request's signature,
  HMAC-SHA256(merchant_code + merchant_ref + amount) keyed with the private key, and answers
  {"success": true, "data": {reference, checkout_url, status "UNPAID", …}}.
- GET /transaction/detail?reference=… answers the transaction as it is now.
- `pay(reference, …)` is the customer paying (or the transaction changing status); it returns
  the callback Tripay would POST: its raw JSON body and its headers, X-Callback-Event
  payment_status and X-Callback-Signature = HMAC-SHA256(body) keyed with the private key.
"""

import hashlib
import hmac
import json

from tests.payments.fakes.base import FakeGateway, Received, Reply


class FakeTripay(FakeGateway):
    def __init__(self, api_key: str, private_key: str, merchant_code: str) -> None:
        super().__init__()
        self.api_key, self.private_key, self.merchant_code = api_key, private_key, merchant_code
        self.transactions: dict[str, dict] = {}
        self.fee_customer = 0
        self.failing = False

    def route_table(self):
        return [
            ("POST", r"/transaction/create", self.create),
            ("GET", r"/transaction/detail", self.detail),
        ]

    def _refusal(self, received: Received) -> Reply | None:
        if self.failing:
            return Reply(500, {"success": False, "message": "Internal server error"})
        if received.header("authorization") != f"Bearer {self.api_key}":
            return Reply(401, {"success": False, "message": "Invalid API key"})
        return None

    def create(self, received: Received) -> Reply:
        if refused := self._refusal(received):
            return refused
        body = received.json() or {}
        amount, ref = body.get("amount"), body.get("merchant_ref")
        message = f"{self.merchant_code}{ref}{amount}".encode()
        signature = hmac.new(self.private_key.encode(), message, hashlib.sha256).hexdigest()
        if body.get("signature") != signature:
            return Reply(400, {"success": False, "message": "Invalid signature"})
        items = body.get("order_items") or []
        if sum(item["price"] * item["quantity"] for item in items) != amount:
            return Reply(400, {"success": False, "message": "Amount does not match the items"})
        reference = f"DEV-T{len(self.transactions) + 1:05d}ABCDE"
        transaction = {
            "reference": reference,
            "merchant_ref": ref,
            "payment_selection_type": "static",
            "payment_method": body.get("method"),
            "payment_name": "QRIS",
            "customer_name": body.get("customer_name"),
            "customer_email": body.get("customer_email"),
            "amount": amount + self.fee_customer,
            "fee_merchant": 750,
            "fee_customer": self.fee_customer,
            "total_fee": 750 + self.fee_customer,
            "amount_received": amount - 750,
            "pay_code": None,
            "checkout_url": f"{self.url}/checkout/{reference}",
            "status": "UNPAID",
            "expired_time": body.get("expired_time"),
            "order_items": items,
        }
        self.transactions[reference] = transaction
        return Reply(200, {"success": True, "message": "", "data": transaction})

    def detail(self, received: Received) -> Reply:
        if refused := self._refusal(received):
            return refused
        transaction = self.transactions.get(received.query.get("reference", ""))
        if transaction is None:
            return Reply(404, {"success": False, "message": "Transaction not found"})
        return Reply(200, {"success": True, "message": "", "data": transaction})

    def pay(
        self, reference: str, status: str = "PAID", *, total_amount: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """The transaction takes this status; returns the callback's body and headers."""
        transaction = self.transactions[reference]
        transaction["status"] = status
        total = transaction["amount"] if total_amount is None else total_amount
        callback = {
            "reference": reference,
            "merchant_ref": transaction["merchant_ref"],
            "payment_method": "QRIS by ShopeePay",
            "payment_method_code": transaction["payment_method"],
            "total_amount": total,
            "fee_merchant": transaction["fee_merchant"],
            "fee_customer": transaction["fee_customer"],
            "total_fee": transaction["total_fee"],
            "amount_received": total - transaction["total_fee"],
            "is_closed_payment": 1,
            "status": status,
            "paid_at": 1764887400 if status == "PAID" else None,
            "note": None,
        }
        return self.sign(callback)

    def sign(self, callback: dict) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(callback).encode()
        signature = hmac.new(self.private_key.encode(), body, hashlib.sha256).hexdigest()
        return body, {"X-Callback-Event": "payment_status", "X-Callback-Signature": signature}
