"""Hostile values in every id and number parameter of every API v2 action are answered with the
protocol's reply (HTTP 200, JSON, an error where the value is refused), never a server error,
in a query string and in a form body alike."""

import json

import pytest
from django.db import transaction
from django.test import Client

from smmpanel.orders.placement import place_order
from tests.factories import make_account, make_product, make_service
from tests.security.crawl import HOSTILE_VALUES

pytestmark = pytest.mark.django_db

# Each action's parameters that carry ids or numbers (and the text that is stored with an order),
# with the others it needs to get that far.
ACTIONS: dict[str, tuple[list[str], dict[str, str]]] = {
    "add": (
        ["service", "quantity", "runs", "interval", "link", "idempotency_key"],
        {"link": "https://instagram.com/someone", "quantity": "100"},
    ),
    "status": (["order", "orders"], {}),
    "refill": (["order", "orders"], {}),
    "refill_status": (["refill", "refills"], {}),
    "cancel": (["order", "orders"], {}),
    "add_product_order": (
        ["product", "quantity", "require"],
        {"quantity": "1", "require": "me@x.com"},
    ),
    "product_order_status": (["order", "orders"], {}),
    "result_product": (["order"], {}),
}
BIG = ("99999999999999999999", "9223372036854775808", "2147483648", "-1", "²")


def _call(client: Client, method: str, params: dict[str, str]) -> tuple[int, object]:
    # Each request in a savepoint, as a failed statement aborts PostgreSQL's transaction.
    savepoint = transaction.savepoint()
    try:
        if method == "GET":
            response = client.get("/api/v2", params)
        else:
            response = client.post("/api/v2", params)
    finally:
        transaction.savepoint_rollback(savepoint)
    return response.status_code, json.loads(response.content)


def test_no_api_action_answers_a_server_error_to_hostile_ids_and_numbers():
    account, key = make_account("1000")
    service = make_service(refill=True, cancel=True, dripfeed=True)
    product = make_product(stock=5)
    order = place_order(
        account=account, service=service, params={"link": "https://x.com/a", "quantity": "100"}
    )
    real = {"service": str(service.pk), "product": str(product.pk), "order": str(order.pk)}
    client = Client(raise_request_exception=False)
    failures = []
    calls = 0
    for action, (names, needed) in ACTIONS.items():
        for name in names:
            # Alone, and in a list next to a real id (where the action takes a list).
            values = HOSTILE_VALUES + [f"{real['order']},{big}" for big in BIG]
            for value in values:
                params = {"key": key, "action": action, **real, **needed, name: value}
                if action == "add" and name in ("runs", "interval"):
                    params |= {"runs": "2", "interval": "10", name: value}
                for method in ("GET", "POST"):
                    status, reply = _call(client, method, params)
                    calls += 1
                    if status != 200:
                        failures.append(f"{status} {method} {action} {name}={value[:30]!r}")
                    elif isinstance(reply, dict) and "Internal" in str(reply.get("error")):
                        failures.append(f"{reply} {method} {action} {name}={value[:30]!r}")
    assert failures == [], "\n".join(failures[:40])
    assert calls > 500
    # A value beyond the database's ids is an unknown order, in the protocol's words.
    status, reply = _call(
        client, "POST", {"key": key, "action": "status", "order": "99999999999999999999"}
    )
    assert (status, reply) == (200, {"error": "Incorrect order ID"})
    status, reply = _call(
        client,
        "POST",
        {"key": key, "action": "add", "service": "9223372036854775808", **ACTIONS["add"][1]},
    )
    assert (status, reply) == (200, {"error": "Incorrect service ID"})
