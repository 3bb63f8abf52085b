"""Duitku POP as its documentation describes it, over real HTTP.

- POST /api/merchant/createInvoice checks `x-duitku-signature` = SHA256(merchantCode + timestamp
  + apiKey) and answers {merchantCode, reference, paymentUrl, statusCode "00", statusMessage}.
- POST /api/merchant/transactionStatus checks `signature` = MD5(merchantCode + merchantOrderId +
  apiKey) and answers {merchantOrderId, reference, amount, fee, statusCode, statusMessage}.
- `pay(order, …)` is the customer paying (or failing); it returns the form-encoded callback
  Duitku would POST, with `signature` = MD5(merchantCode + amount + merchantOrderId + apiKey).
"""

import hashlib

from tests.payments.fakes.base import FakeGateway, Received, Reply

MESSAGES = {"00": "SUCCESS", "01": "PROCESS", "02": "CANCELED"}


class FakeDuitku(FakeGateway):
    def __init__(self, merchant_code: str, api_key: str) -> None:
        super().__init__()
        self.merchant_code, self.api_key = merchant_code, api_key
        self.invoices: dict[str, dict] = {}
        self.failing = False

    def route_table(self):
        return [
            ("POST", r"/api/merchant/createInvoice", self.create),
            ("POST", r"/api/merchant/transactionStatus", self.status),
        ]

    def create(self, received: Received) -> Reply:
        timestamp = received.header("x-duitku-timestamp")
        text = f"{self.merchant_code}{timestamp}{self.api_key}"
        if (
            received.header("x-duitku-merchantcode") != self.merchant_code
            or received.header("x-duitku-signature") != hashlib.sha256(text.encode()).hexdigest()
        ):
            return Reply(401, {"Message": "Wrong signature"})
        body = received.json() or {}
        order, amount = body.get("merchantOrderId"), body.get("paymentAmount")
        if not isinstance(amount, int) or not order or order in self.invoices:
            return Reply(400, {"Message": "Bad request"})
        reference = f"DS{self.merchant_code}{len(self.invoices) + 1:06d}"
        self.invoices[order] = {"reference": reference, "amount": amount, "code": "01"}
        return Reply(
            200,
            {
                "merchantCode": self.merchant_code,
                "reference": reference,
                "paymentUrl": f"{self.url}/redirect_checkout?reference={reference}",
                "statusCode": "00",
                "statusMessage": "SUCCESS",
            },
        )

    def status(self, received: Received) -> Reply:
        if self.failing:
            return Reply(500, {"Message": "An error has occurred."})
        body = received.json() or {}
        order = body.get("merchantOrderId", "")
        text = f"{self.merchant_code}{order}{self.api_key}"
        if body.get("signature") != hashlib.md5(text.encode()).hexdigest():
            return Reply(401, {"Message": "Wrong signature"})
        invoice = self.invoices.get(order)
        if invoice is None:
            return Reply(400, {"Message": "Transaction not found"})
        return Reply(
            200,
            {
                "merchantOrderId": order,
                "reference": invoice["reference"],
                "amount": str(invoice["amount"]),
                "fee": "0.00",
                "statusCode": invoice["code"],
                "statusMessage": MESSAGES[invoice["code"]],
            },
        )

    def sign(self, amount: str, order: str) -> str:
        text = f"{self.merchant_code}{amount}{order}{self.api_key}"
        return hashlib.md5(text.encode()).hexdigest()

    def pay(self, order: str, result: str = "00", *, amount: int | None = None) -> dict:
        """The customer pays ("00") or fails ("01"); returns the callback's form fields."""
        invoice = self.invoices[order]
        invoice["code"] = "00" if result == "00" else "02"
        paid = str(invoice["amount"] if amount is None else amount)
        return {
            "merchantCode": self.merchant_code,
            "amount": paid,
            "merchantOrderId": order,
            "productDetail": "Payment",
            "additionalParam": "",
            "paymentCode": "SP",
            "resultCode": result,
            "merchantUserId": "",
            "reference": invoice["reference"],
            "signature": self.sign(paid, order),
            "publisherOrderId": "MGUS" + invoice["reference"],
            "spUserHash": "",
            "settlementDate": "2026-12-05",
            "issuerCode": "93600523",
        }
