"""PayPal's REST API as its documentation describes it: an OAuth 2.0 client-credentials token,
Orders v2 (create, show, capture with `PayPal-Request-Id` idempotency), Payments v2 (show a
capture), and webhooks: the events PayPal sends with their transmission headers, and
`POST /v1/notifications/verify-webhook-signature`, which answers SUCCESS only for an event this
fake sent, unchanged, to the webhook id it was sent for.

PayPal signs a transmission with its private key (SHA256withRSA over
`<transmission id>|<time>|<webhook id>|<CRC32 of the body>`); the fake signs the same string
with an HMAC of its own, which only it can check, as only PayPal can check PayPal's."""

import base64
import hashlib
import hmac
import itertools
import json
import zlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tests.payments.fakes.base import FakeGateway, Received, Reply

_ids = itertools.count(1)
WHOLE = {"HUF", "JPY", "TWD"}


def _issue(status: int, name: str, issue: str) -> Reply:
    return Reply(
        status,
        {
            "name": name,
            "message": "The requested action could not be performed.",
            "debug_id": "f00dfeed",
            "details": [{"issue": issue, "description": issue.replace("_", " ").lower()}],
        },
    )


class FakePayPal(FakeGateway):
    CLIENT_ID = "AYfakeClientId-paypal"
    CLIENT_SECRET = "EFfakeClientSecret-paypal"
    WEBHOOK_ID = "8PT597110X687430LKGECATA"
    _KEY = b"the fake's own signing key"

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()
        self.orders: dict[str, dict[str, Any]] = {}
        self.captures: dict[str, dict[str, Any]] = {}
        self.replies: dict[str, Reply] = {}  # PayPal-Request-Id -> the first answer
        self.sent: dict[str, dict[str, Any]] = {}  # transmission id -> what was sent
        self.capture_status = "COMPLETED"
        self.capture_issue = ""

    def route_table(self):
        order = r"/v2/checkout/orders/(?P<id>[A-Z0-9]+)"
        return [
            ("POST", r"/v1/oauth2/token", self.token),
            ("POST", r"/v2/checkout/orders", self.create_order),
            ("GET", order, self.show_order),
            ("POST", order + "/capture", self.capture_order),
            ("GET", r"/v2/payments/captures/(?P<id>[A-Z0-9]+)", self.show_capture),
            ("POST", r"/v1/notifications/verify-webhook-signature", self.verify),
        ]

    def token(self, received: Received) -> Reply:
        basic = base64.b64encode(f"{self.CLIENT_ID}:{self.CLIENT_SECRET}".encode()).decode()
        if received.header("Authorization") != f"Basic {basic}":
            return Reply(
                401,
                {"error": "invalid_client", "error_description": "Client Authentication failed"},
            )
        if received.form().get("grant_type") != "client_credentials":
            return Reply(400, {"error": "unsupported_grant_type"})
        token = f"A21AAfake{next(_ids):08d}"
        self.tokens.add(token)
        return Reply(
            200,
            {
                "scope": "https://uri.paypal.com/services/payments/payment",
                "access_token": token,
                "token_type": "Bearer",
                "app_id": "APP-80W284485P519543T",
                "expires_in": 32400,
                "nonce": "2026-12-04T00:00:00Zfake",
            },
        )

    def _refused(self, received: Received) -> Reply | None:
        auth = received.header("Authorization")
        if not auth.startswith("Bearer ") or auth[len("Bearer ") :] not in self.tokens:
            return _issue(401, "AUTHENTICATION_FAILURE", "INVALID_ACCESS_TOKEN")
        return None

    def create_order(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        body = received.json()
        if not received.header("PayPal-Request-Id"):
            return _issue(400, "INVALID_REQUEST", "PAYPAL_REQUEST_ID_REQUIRED")
        if body.get("intent") != "CAPTURE" or not body.get("purchase_units"):
            return _issue(400, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER")
        amount = body["purchase_units"][0]["amount"]
        places = Decimal(amount["value"]).as_tuple().exponent
        if amount["currency_code"] in WHOLE and places != 0:
            return _issue(422, "UNPROCESSABLE_ENTITY", "CURRENCY_NOT_SUPPORTED_FOR_DECIMALS")
        order_id = f"5O{next(_ids):013d}T"
        order = {
            "id": order_id,
            "intent": "CAPTURE",
            "status": "PAYER_ACTION_REQUIRED",
            "purchase_units": [dict(body["purchase_units"][0])],
            "payment_source": {"paypal": {}},
            "create_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "links": self._order_links(order_id),
        }
        self.orders[order_id] = order
        minimal = {k: order[k] for k in ("id", "status", "payment_source", "links")}
        return Reply(200, minimal)

    def _order_links(self, order_id: str) -> list[dict[str, str]]:
        return [
            {"href": f"{self.url}/v2/checkout/orders/{order_id}", "rel": "self", "method": "GET"},
            {
                "href": f"https://www.paypal.com/checkoutnow?token={order_id}",
                "rel": "payer-action",
                "method": "GET",
            },
        ]

    def show_order(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        order = self.orders.get(received.match["id"])
        if order is None:
            return _issue(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        return Reply(200, order)

    def capture_order(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        request_id = received.header("PayPal-Request-Id")
        if request_id and request_id in self.replies:
            return self.replies[request_id]
        order = self.orders.get(received.match["id"])
        if order is None:
            return _issue(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        if order["status"] == "COMPLETED":
            return _issue(422, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED")
        if order["status"] != "APPROVED":
            return _issue(422, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED")
        if self.capture_issue:
            return _issue(422, "UNPROCESSABLE_ENTITY", self.capture_issue)
        unit = order["purchase_units"][0]
        capture_id = f"3C{next(_ids):013d}X"
        capture = {
            "id": capture_id,
            "status": self.capture_status,
            "amount": dict(unit["amount"]),
            "final_capture": True,
            "custom_id": unit.get("custom_id"),
            "seller_protection": {"status": "ELIGIBLE"},
            "supplementary_data": {"related_ids": {"order_id": order["id"]}},
            "links": [
                {
                    "href": f"https://api.paypal.com/v2/payments/captures/{capture_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"https://api.paypal.com/v2/payments/captures/{capture_id}/refund",
                    "rel": "refund",
                    "method": "POST",
                },
                {
                    "href": f"https://api.paypal.com/v2/checkout/orders/{order['id']}",
                    "rel": "up",
                    "method": "GET",
                },
            ],  # fmt: skip
        }
        self.captures[capture_id] = capture
        unit["payments"] = {"captures": [capture]}
        order["status"] = "COMPLETED"
        reply = Reply(201, order)
        if request_id:
            self.replies[request_id] = reply
        return reply

    def show_capture(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        capture = self.captures.get(received.match["id"])
        if capture is None:
            return _issue(404, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID")
        return Reply(200, capture)

    def _signature(self, transmission_id: str, time: str, webhook_id: str, event: Any) -> str:
        crc = zlib.crc32(json.dumps(event, sort_keys=True).encode())
        message = f"{transmission_id}|{time}|{webhook_id}|{crc}".encode()
        return base64.b64encode(hmac.new(self._KEY, message, hashlib.sha256).digest()).decode()

    def verify(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        body = received.json()
        needed = ("auth_algo", "cert_url", "transmission_id", "transmission_sig",
                  "transmission_time", "webhook_id", "webhook_event")  # fmt: skip
        if any(not body.get(name) for name in needed):
            return _issue(400, "VALIDATION_ERROR", "MISSING_REQUIRED_PARAMETER")
        sent = self.sent.get(body["transmission_id"], {})
        expected = self._signature(
            body["transmission_id"],
            body["transmission_time"],
            body["webhook_id"],
            body["webhook_event"],
        )
        genuine = (
            hmac.compare_digest(expected, body["transmission_sig"])
            and body["webhook_id"] == self.WEBHOOK_ID
            and body["auth_algo"] == sent.get("auth_algo")
            and body["cert_url"] == sent.get("cert_url")
        )
        return Reply(200, {"verification_status": "SUCCESS" if genuine else "FAILURE"})

    # What happens at PayPal: the buyer approves, a refund, a reversal, a webhook sent.

    def approve(self, order_id: str) -> dict[str, Any]:
        order = self.orders[order_id]
        order["status"] = "APPROVED"
        order["payer"] = {"payer_id": "QYR5Z8XDVJNXQ", "email_address": "buyer@example.com"}
        return order

    def complete(self, capture_id: str) -> dict[str, Any]:
        """A pending capture clears."""
        self.captures[capture_id]["status"] = "COMPLETED"
        return self.captures[capture_id]

    def refund(self, capture_id: str, amount: str | None = None) -> dict[str, Any]:
        """A refund of the capture (all of it unless `amount`), as the webhook's resource."""
        capture = self.captures[capture_id]
        whole = amount is None or Decimal(amount) == Decimal(capture["amount"]["value"])
        capture["status"] = "REFUNDED" if whole else "PARTIALLY_REFUNDED"
        return self._refund_resource(capture, amount)

    def reversal(self, capture_id: str) -> dict[str, Any]:
        """PayPal reverses the capture (a chargeback): the capture's status is not changed."""
        return self._refund_resource(self.captures[capture_id], None)

    def _refund_resource(self, capture: dict[str, Any], amount: str | None) -> dict[str, Any]:
        refund_id = f"1R{next(_ids):013d}F"
        money = {"currency_code": capture["amount"]["currency_code"],
                 "value": amount or capture["amount"]["value"]}  # fmt: skip
        return {
            "id": refund_id,
            "amount": money,
            "status": "COMPLETED",
            "seller_payable_breakdown": {"gross_amount": money, "net_amount": money},
            "links": [
                {
                    "href": f"https://api.paypal.com/v2/payments/refunds/{refund_id}",
                    "rel": "self",
                    "method": "GET",
                },
                {
                    "href": f"https://api.paypal.com/v2/payments/captures/{capture['id']}",
                    "rel": "up",
                    "method": "GET",
                },
            ],  # fmt: skip
        }

    def event(self, kind: str, resource: dict[str, Any]) -> dict[str, Any]:
        event_id = f"WH-{next(_ids):017d}-FAKE"
        return {
            "id": event_id,
            "event_version": "1.0",
            "create_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "resource_type": "checkout-order" if kind.startswith("CHECKOUT") else "capture",
            "resource_version": "2.0",
            "event_type": kind,
            "summary": kind.replace(".", " ").lower(),
            "resource": json.loads(json.dumps(resource)),
            "links": [
                {
                    "href": f"https://api.paypal.com/v1/notifications/webhooks-events/{event_id}",
                    "rel": "self",
                    "method": "GET",
                },
            ],  # fmt: skip
        }

    def signed(self, event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """The body PayPal posts and its transmission headers (as Django test client keys)."""
        transmission_id = f"{next(_ids):08x}-d67a-11e5-baa3-778b53f4ae55"
        time = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        cert_url = "https://api.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
        self.sent[transmission_id] = {"auth_algo": "SHA256withRSA", "cert_url": cert_url}
        headers = {
            "PAYPAL-AUTH-ALGO": "SHA256withRSA",
            "PAYPAL-CERT-URL": cert_url,
            "PAYPAL-TRANSMISSION-ID": transmission_id,
            "PAYPAL-TRANSMISSION-SIG": self._signature(
                transmission_id, time, self.WEBHOOK_ID, event
            ),
            "PAYPAL-TRANSMISSION-TIME": time,
        }
        body = json.dumps(event, indent=1).encode()
        return body, {f"HTTP_{name.replace('-', '_')}": value for name, value in headers.items()}
