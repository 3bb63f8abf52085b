"""MoMo's AIO v2 API (create, query) and IPN as its docs describe them (developers.momo.vn/v3,
Payment API, One-Time Payments: the raw signature strings, HMAC-SHA256)."""

import hashlib
import hmac

from tests.payments.fakes.base import FakeGateway, Received, Reply

CREATE = (
    "accessKey amount extraData ipnUrl orderId orderInfo partnerCode redirectUrl requestId"
    " requestType"
)
IPN = (
    "accessKey amount extraData message orderId orderInfo orderType partnerCode payType requestId"
    " responseTime resultCode transId"
)
QUERY = "accessKey orderId partnerCode requestId"


class FakeMomo(FakeGateway):
    def __init__(self, partner_code: str, access_key: str, secret_key: str) -> None:
        super().__init__()
        self.partner, self.access, self.secret = partner_code, access_key, secret_key
        self.orders: dict[str, dict] = {}

    def route_table(self):
        return [
            ("POST", r"/v2/gateway/api/create", self.create),
            ("POST", r"/v2/gateway/api/query", self.query),
        ]

    def sign(self, values: dict, names: str) -> str:
        values = {**values, "accessKey": self.access}
        raw = "&".join(f"{name}={values.get(name, '')}" for name in names.split())
        return hmac.new(self.secret.encode(), raw.encode(), hashlib.sha256).hexdigest()

    def create(self, received: Received) -> Reply:
        body = received.json()
        if body.get("signature") != self.sign(body, CREATE) or body["partnerCode"] != self.partner:
            return Reply(200, {"resultCode": 11, "message": "Access denied"})
        self.orders[body["orderId"]] = {**body, "resultCode": 1000, "transId": 0}
        return Reply(
            200,
            {
                "partnerCode": self.partner,
                "requestId": body["requestId"],
                "orderId": body["orderId"],
                "amount": body["amount"],
                "responseTime": 1733351400000,
                "message": "Thành công.",
                "resultCode": 0,
                "payUrl": f"https://test-payment.momo.vn/v2/gateway/pay?t={body['orderId']}",
            },
        )

    def query(self, received: Received) -> Reply:
        body = received.json()
        if body.get("signature") != self.sign(body, QUERY):
            return Reply(200, {"resultCode": 11, "message": "Access denied"})
        order = self.orders.get(body["orderId"])
        if order is None:
            return Reply(
                200, {"orderId": body["orderId"], "resultCode": 42, "message": "not found"}
            )
        return Reply(
            200,
            {
                "partnerCode": self.partner,
                "orderId": body["orderId"],
                "requestId": body["requestId"],
                "extraData": "",
                "amount": order["amount"],
                "transId": order["transId"],
                "payType": "qr",
                "resultCode": order["resultCode"],
                "refundTrans": [],
                "message": "Thành công.",
                "responseTime": 1733351400000,
                "lastUpdated": 1733351400000,
            },
        )

    def pay(self, order_id: str, result_code: int = 0) -> dict:
        order = self.orders[order_id]
        order.update(resultCode=result_code, transId=2800000000 + int(order_id))
        return self.ipn(order_id)

    def ipn(self, order_id: str, **overrides) -> dict:
        order = self.orders.get(
            order_id,
            {"amount": 10000, "orderInfo": "", "requestId": "x", "resultCode": 0, "transId": 1},
        )
        body = {
            "partnerCode": self.partner,
            "orderId": order_id,
            "requestId": order["requestId"],
            "amount": order["amount"],
            "orderInfo": order["orderInfo"],
            "orderType": "momo_wallet",
            "transId": order["transId"],
            "resultCode": order["resultCode"],
            "message": "Thành công.",
            "payType": "qr",
            "responseTime": 1733351400000,
            "extraData": "",
            **overrides,
        }
        body["signature"] = self.sign(body, IPN)
        return body
