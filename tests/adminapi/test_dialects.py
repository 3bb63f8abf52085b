"""The Admin API reads every dialect of API v2 (real HTTP against `smmpanel serve`): a form, a
multipart or JSON body, a query string; the key as `key`, `X-Api-Key` or a bearer token; and its
errors are JSON on any path under it."""

from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.test import Client

from smmpanel import ratelimit
from smmpanel.audit.log import Actor
from smmpanel.configuration.operations import update_settings
from smmpanel.orders.models import Order, OrderStatus
from tests.adminapi.conftest import AdminApi, make_staff, place_manual_orders


def _dialects(api: AdminApi, key: str) -> dict[str, Any]:
    """One `getOrders` of limit 1 per dialect."""
    url = api.endpoint
    http = api.http
    params = {"action": "getOrders", "limit": "1"}
    return {
        "form": http.post(url, data={**params, "key": key}),
        "multipart": http.post(url, data={**params, "key": key}, files={"x": ("x", b"")}),
        "json": http.post(url, json={"action": "getOrders", "limit": 1, "key": key}),
        "get": http.get(url, params={**params, "key": key}),
        "query with a POST": http.post(f"{url}?key={key}", data=params),
        "x-api-key": http.post(url, data=params, headers={"X-Api-Key": key}),
        "bearer": http.post(url, json=params, headers={"Authorization": f"Bearer {key}"}),
        "trailing slash": http.post(f"{url}/", data={**params, "key": key}),
        "case of the action": http.post(url, data={"action": "GETORDERS", "key": key}),
    }


def test_each_dialect_is_accepted(adminapi, support):
    orders = place_manual_orders(9)
    replies = {
        name: adminapi.reply(response)
        for name, response in _dialects(adminapi, support.key).items()
    }
    got = {name: [order["id"] for order in reply["orders"]] for name, reply in replies.items()}
    assert sorted(pk for ids in got.values() for pk in ids) == [order.pk for order in orders]
    assert all(len(ids) == 1 for ids in got.values()), got
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.IN_PROGRESS}


@pytest.mark.parametrize(
    ("request_args", "status"),
    [
        ({"method": "PUT", "url": "/adminapi/v2", "data": {"action": "getOrders"}}, 200),
        (
            {
                "method": "POST",
                "url": "/adminapi/v2",
                "content": b"{nope",
                "headers": {"Content-Type": "application/json"},
            },
            200,
        ),
        ({"method": "POST", "url": "/adminapi/v2", "json": [1, 2]}, 200),
        ({"method": "GET", "url": "/adminapi/v3"}, 404),
    ],
)
def test_unreadable_requests_are_json_errors(adminapi, request_args, status):
    url = adminapi.url + request_args.pop("url")
    response = adminapi.http.request(url=url, **request_args)
    assert response.status_code == status
    assert response.json() == {"error": "Incorrect request"}


def test_the_openapi_description_is_served(adminapi):
    response = adminapi.http.get(f"{adminapi.url}/adminapi/v2/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "smmpanel Admin API"


# --- rate limits: the customer API's, per key -------------------------------------------------
@pytest.fixture
def _frozen_minute(monkeypatch):
    """One frozen minute, so that no window boundary falls between the requests."""
    init = ratelimit.Limiter.__init__

    def frozen(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.clock = lambda: 1_800_000_000.0

    monkeypatch.setattr(ratelimit.Limiter, "__init__", frozen)
    monkeypatch.setattr(ratelimit, "_limiters", {})
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.usefixtures("_frozen_minute")
def test_requests_over_the_limit_are_refused_per_key_and_change_nothing():
    staff = make_staff("bot", "support")
    other = make_staff("other-bot", "support")
    place_manual_orders(5)
    update_settings(acting_user=Actor.system(), api_requests_per_minute=3)
    client = Client()

    def pull(key: str) -> dict:
        return client.post("/adminapi/v2", {"key": key, "action": "getOrders", "limit": 1}).json()

    replies = [pull(staff.key) for _ in range(4)]
    assert ["orders" in reply for reply in replies] == [True, True, True, False]
    assert replies[-1] == {"error": "Too many requests"}
    assert Order.objects.filter(status=OrderStatus.IN_PROGRESS).count() == 3
    assert len(pull(other.key)["orders"]) == 1


def test_no_key_no_work_whatever_the_path(http: httpx.Client, adminapi):
    place_manual_orders(1)
    for path in ("/adminapi/v2", "/adminapi/v2/"):
        reply = adminapi.reply(http.post(adminapi.url + path, data={"action": "getOrders"}))
        assert reply == {"error": "Invalid API key"}
    assert Order.objects.get().status == OrderStatus.PENDING
