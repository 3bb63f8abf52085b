"""payOS's payment-request API and webhook as its docs describe them (payos.vn/docs: create a
payment link, get its information, the webhook and its signature)."""

import hashlib
import hmac
import json
import uuid

from tests.payments.fakes.base import FakeGateway, Received, Reply


def signed_fields(data: dict, names=None) -> str:
    """`key=value&...` of the fields (all, sorted by name, when `names` is None)."""
    keys = names or sorted(data)

    def text(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        return str(value)

    return "&".join(f"{key}={text(data.get(key))}" for key in keys)


class FakePayos(FakeGateway):
    def __init__(self, client_id: str, api_key: str, checksum_key: str) -> None:
        super().__init__()
        self.client_id, self.api_key, self.key = client_id, api_key, checksum_key
        self.links: dict[int, dict] = {}  # orderCode -> the payment link

    def route_table(self):
        return [
            ("POST", r"/v2/payment-requests", self.create),
            ("GET", r"/v2/payment-requests/(?P<id>[^/]+)", self.get),
        ]

    def sign(self, text: str) -> str:
        return hmac.new(self.key.encode(), text.encode(), hashlib.sha256).hexdigest()

    def _answer(self, data: dict) -> Reply:
        return Reply(
            200,
            {
                "code": "00",
                "desc": "success",
                "data": data,
                "signature": self.sign(signed_fields(data)),
            },
        )

    def _authorized(self, received: Received) -> bool:
        return (received.header("x-client-id"), received.header("x-api-key")) == (
            self.client_id,
            self.api_key,
        )

    def create(self, received: Received) -> Reply:
        if not self._authorized(received):
            return Reply(401, {"code": "401", "desc": "Unauthorized"})
        body = received.json()
        names = ["amount", "cancelUrl", "description", "orderCode", "returnUrl"]
        if self.sign(signed_fields(body, names)) != body.get("signature"):
            return Reply(200, {"code": "201", "desc": "signature invalid", "data": None})
        link_id = uuid.uuid4().hex
        self.links[body["orderCode"]] = {
            "id": link_id,
            "orderCode": body["orderCode"],
            "amount": body["amount"],
            "amountPaid": 0,
            "amountRemaining": body["amount"],
            "status": "PENDING",
            "createdAt": "2026-12-05T05:30:00+07:00",
            "transactions": [],
            "cancellationReason": None,
            "canceledAt": None,
            "description": body["description"],
        }
        return self._answer(
            {
                "bin": "970422",
                "accountNumber": "113366668888",
                "accountName": "CONG TY SMM",
                "amount": body["amount"],
                "description": body["description"],
                "orderCode": body["orderCode"],
                "currency": "VND",
                "paymentLinkId": link_id,
                "status": "PENDING",
                "expiredAt": body.get("expiredAt"),
                "checkoutUrl": f"https://pay.payos.vn/web/{link_id}",
                "qrCode": "00020101021238570010A000000727",
            }
        )

    def get(self, received: Received) -> Reply:
        if not self._authorized(received):
            return Reply(401, {"code": "401", "desc": "Unauthorized"})
        key = received.match["id"]
        link = next((v for k, v in self.links.items() if str(k) == key or v["id"] == key), None)
        if link is None:
            return Reply(200, {"code": "101", "desc": "Payment link not found", "data": None})
        data = {k: v for k, v in link.items() if k != "description"}
        return self._answer(data)

    def pay(self, order_code: int) -> None:
        link = self.links[order_code]
        link.update(status="PAID", amountPaid=link["amount"], amountRemaining=0)

    def webhook(self, order_code: int, code: str = "00", **overrides) -> dict:
        """The webhook payOS POSTs for a transfer that paid (code "00") the link."""
        link = self.links.get(order_code, {"amount": 10000, "id": "unknown", "description": ""})
        data = {
            "orderCode": order_code,
            "amount": link["amount"],
            "description": link["description"],
            "accountNumber": "113366668888",
            "reference": f"FT{order_code}",
            "transactionDateTime": "2026-12-05 05:30:00",
            "currency": "VND",
            "paymentLinkId": link["id"],
            "code": code,
            "desc": "success",
            "counterAccountBankId": "",
            "counterAccountBankName": "",
            "counterAccountName": "",
            "counterAccountNumber": "",
            "virtualAccountName": "",
            "virtualAccountNumber": "",
            **overrides,
        }
        return {
            "code": code,
            "desc": "success",
            "success": code == "00",
            "data": data,
            "signature": self.sign(signed_fields(data)),
        }
