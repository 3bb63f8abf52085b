"""Stripe's API as its documentation describes it: Checkout Sessions (create, retrieve, list by
payment_intent, form-encoded requests, `Authorization: Bearer sk_…`), and the events it sends,
signed with the endpoint's secret as "Verify webhook signatures manually" says:
`Stripe-Signature: t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<body>">`."""

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

from tests.payments.fakes.base import FakeGateway, Received, Reply

_ids = itertools.count(1)


def _error(status: int, message: str, kind: str = "invalid_request_error") -> Reply:
    return Reply(status, {"error": {"type": kind, "message": message}})


class FakeStripe(FakeGateway):
    SECRET_KEY = "sk_test_fake_51Hx"
    WEBHOOK_SECRET = "whsec_fake_signing_secret"

    def __init__(self) -> None:
        super().__init__()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refuse_with: Reply | None = None

    def route_table(self):
        return [
            ("POST", r"/v1/checkout/sessions", self.create_session),
            ("GET", r"/v1/checkout/sessions", self.list_sessions),
            ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", self.retrieve_session),
        ]

    def _refused(self, received: Received) -> Reply | None:
        if received.header("Authorization") != f"Bearer {self.SECRET_KEY}":
            return _error(401, "Invalid API Key provided")
        return self.refuse_with

    def create_session(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        form = received.form()
        item = "line_items[0]"
        required = (
            "mode",
            f"{item}[price_data][currency]",
            f"{item}[price_data][unit_amount]",
            f"{item}[price_data][product_data][name]",
            f"{item}[quantity]",
            "success_url",
        )
        for name in required:
            if not form.get(name):
                return _error(400, f"Missing required param: {name}.")
        if form["mode"] != "payment":
            return _error(400, "Invalid mode")
        unit_amount = int(form[f"{item}[price_data][unit_amount]"])
        quantity = int(form[f"{item}[quantity]"])
        number = next(_ids)
        session_id = f"cs_test_fake{number:06d}"
        metadata = {
            key[len("metadata[") : -1]: value
            for key, value in form.items()
            if key.startswith("metadata[")
        }
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": unit_amount * quantity,
            "amount_total": unit_amount * quantity,
            "cancel_url": form.get("cancel_url"),
            "client_reference_id": form.get("client_reference_id"),
            "currency": form[f"{item}[price_data][currency]"],
            "expires_at": int(form.get("expires_at") or time.time() + 86400),
            "livemode": False,
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form["success_url"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return Reply(200, session)

    def retrieve_session(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        session = self.sessions.get(received.match["id"])
        if session is None:
            return _error(404, f"No such checkout.session: '{received.match['id']}'")
        return Reply(200, session)

    def list_sessions(self, received: Received) -> Reply:
        if refused := self._refused(received):
            return refused
        intent = received.query.get("payment_intent")
        found = [s for s in self.sessions.values() if not intent or s["payment_intent"] == intent]
        limit = int(received.query.get("limit") or 10)
        return Reply(
            200,
            {
                "object": "list",
                "url": "/v1/checkout/sessions",
                "has_more": len(found) > limit,
                "data": found[:limit],
            },
        )

    # What happens at Stripe: the customer pays, the session expires, a refund, a dispute.

    def pay(self, session_id: str, *, settled: bool = True) -> dict[str, Any]:
        """The customer completes the checkout: paid, or (an asynchronous payment method)
        complete and still unpaid."""
        session = self.sessions[session_id]
        session["status"] = "complete"
        session["payment_status"] = "paid" if settled else "unpaid"
        session["payment_intent"] = f"pi_fake{next(_ids):06d}"
        return session

    def settle(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        session["payment_status"] = "paid"
        return session

    def expire(self, session_id: str) -> dict[str, Any]:
        session = self.sessions[session_id]
        session["status"] = "expired"
        return session

    def charge(self, session_id: str, *, refunded: int = 0) -> dict[str, Any]:
        """The session's Charge, `refunded` of it (minor units) refunded."""
        session = self.sessions[session_id]
        return {
            "id": f"ch_fake{next(_ids):06d}",
            "object": "charge",
            "amount": session["amount_total"],
            "amount_captured": session["amount_total"],
            "amount_refunded": refunded,
            "currency": session["currency"],
            "payment_intent": session["payment_intent"],
            "paid": True,
            "refunded": refunded == session["amount_total"],
            "status": "succeeded",
        }

    def dispute(self, session_id: str, *, amount: int | None = None) -> dict[str, Any]:
        session = self.sessions[session_id]
        return {
            "id": f"dp_fake{next(_ids):06d}",
            "object": "dispute",
            "amount": session["amount_total"] if amount is None else amount,
            "charge": f"ch_fake{next(_ids):06d}",
            "currency": session["currency"],
            "payment_intent": session["payment_intent"],
            "reason": "fraudulent",
            "status": "needs_response",
        }

    def event(self, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"evt_fake{next(_ids):06d}",
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "data": {"object": dict(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": kind,
        }

    def signed(
        self, event: dict[str, Any], *, secret: str | None = None, timestamp: int | None = None
    ) -> tuple[bytes, str]:
        """The body Stripe posts and its `Stripe-Signature` header."""
        body = json.dumps(event, indent=2).encode()
        stamp = int(time.time()) if timestamp is None else timestamp
        key = (secret or self.WEBHOOK_SECRET).encode()
        signature = hmac.new(key, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
        return body, f"t={stamp},v1={signature}"
