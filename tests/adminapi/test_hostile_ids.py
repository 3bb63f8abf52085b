"""Hostile values in every parameter of every Admin API action are answered with a JSON reply
(HTTP 200, an error where the value is refused), never a server error, in a query string and in
a form body alike."""

import json

import pytest
from django.db import transaction
from django.test import Client

from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.adminapi.conftest import make_staff, place_manual_orders
from tests.security.crawl import HOSTILE_VALUES

pytestmark = pytest.mark.django_db

ACTIONS: dict[str, list[str]] = {
    "getOrders": ["service", "limit"],
    "setOrder": ["order", "status", "start_count", "remains"],
    "getRefills": ["service", "limit"],
    "setRefill": ["refill", "status"],
    "getCancels": ["service", "limit"],
    "setCancel": ["cancel", "status"],
    "getUser": ["user"],
    "addBalance": ["user", "amount", "reason"],
}


def _call(client: Client, method: str, params: dict[str, str]) -> tuple[int, object]:
    # Each request in a savepoint, as a failed statement aborts PostgreSQL's transaction.
    savepoint = transaction.savepoint()
    try:
        if method == "GET":
            response = client.get("/adminapi/v2", params)
        else:
            response = client.post("/adminapi/v2", params)
    finally:
        transaction.savepoint_rollback(savepoint)
    return response.status_code, json.loads(response.content)


def test_no_action_answers_a_server_error_to_hostile_values():
    staff = make_staff("bot", "admin")
    first, second, third = place_manual_orders(3, refill=True, cancel=True)
    apply_status(order_id=first.pk, status=OrderStatus.COMPLETED, remains=0)
    first.refresh_from_db()
    refill = request_refill(account=first.account, order=first)
    cancel = request_cancel(account=second.account, order=second)
    real = {
        "service": str(first.service_id),
        "order": str(third.pk),
        "refill": str(refill.pk),
        "cancel": str(cancel.pk),
        "user": first.account.user.username,
        "amount": "1",
        "reason": "test",
        "limit": "5",
    }
    statuses = {"setOrder": "Completed", "setRefill": "Completed", "setCancel": "Accepted"}
    client = Client(raise_request_exception=False)
    failures = []
    calls = 0
    for action, names in ACTIONS.items():
        for name in names:
            for value in HOSTILE_VALUES:
                params = {"key": staff.key, "action": action, **real, name: value}
                if action in statuses and name != "status":
                    params["status"] = statuses[action]
                for method in ("GET", "POST"):
                    status, reply = _call(client, method, params)
                    calls += 1
                    if status != 200 or not isinstance(reply, dict):
                        failures.append(f"{status} {method} {action} {name}={value[:30]!r}")
                    elif "Internal" in str(reply.get("error")):
                        failures.append(f"{reply} {method} {action} {name}={value[:30]!r}")
    assert failures == [], "\n".join(failures[:40])
    assert calls > 300
