"""The API's `add`, the order form and a mass order's line reach the same domain function,
`orders.placement.place_order`, with the same arguments: the request's params, the service's id
among them."""

from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts.keys import issue_api_key
from smmpanel.api import actions
from smmpanel.orders import placement
from smmpanel.panel import mass_order, order_views
from tests.factories import make_service

LINK = "https://instagram.com/alice"


@pytest.fixture
def calls(monkeypatch) -> list[dict]:
    """Each call of place_order, by any surface, as its keyword arguments (the order placed)."""
    made: list[dict] = []

    def recorded(**kwargs):
        made.append(kwargs)
        return real(**kwargs)

    real = placement.place_order
    for surface in (actions, order_views, mass_order):
        monkeypatch.setattr(surface, "place_order", recorded)
    return made


def test_the_api_the_form_and_a_mass_order_place_an_order_alike(browser, customer, calls):
    service = make_service(rate=Decimal("1"))
    api_key = issue_api_key(account=customer)
    order = {"service": str(service.pk), "link": LINK, "quantity": "100"}
    reply = Client().post("/api/v2", {"key": api_key, "action": "add", **order})
    assert "order" in reply.json()
    browser.post("/", order)
    browser.post("/mass-order/", {"orders": f"{service.pk} | {LINK} | 100", "mode": "each"})
    assert len(calls) == 3
    seen = [
        ({n: v for n, v in call["params"].items() if n in order}, call["account"].pk)
        for call in calls
    ]
    assert seen == [(order, customer.pk)] * 3
    assert all(set(call) <= {"account", "params", "idempotency_key"} for call in calls)
