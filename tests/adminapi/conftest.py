"""Staff with Admin API keys, orders of manual services, and an HTTP client for the endpoint."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from smmpanel.adminapi.keys import issue_staff_key
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.orders.models import Order
from smmpanel.orders.placement import place_order
from smmpanel.staff.operators import save_operator
from tests.factories import make_account, make_service

JSON = "application/json; charset=utf-8"


@dataclass
class Staff:
    username: str
    key: str


def make_staff(username: str, role: str) -> Staff:
    user, _ = save_operator(
        username=username, role=role, password="pw-long-enough", acting_user=Actor.cli()
    )
    _, key = issue_staff_key(user_id=user.pk, acting_user=Actor.cli())
    return Staff(username, key)


@pytest.fixture
def admin(transactional_db) -> Staff:
    return make_staff("boss", "admin")


@pytest.fixture
def support(transactional_db) -> Staff:
    return make_staff("helper", "support")


def place_manual_orders(count: int, **service_overrides: Any) -> list[Order]:
    """`count` orders of a new manual service, placed by a new customer through `place_order`."""
    service = make_service(**service_overrides)
    account, _ = make_account("1000")
    params = {"service": str(service.pk), "quantity": "100"}
    return [
        place_order(account=account, params={**params, "link": f"https://x.com/p/{n}"})
        for n in range(count)
    ]


def entries_by(username: str) -> list[tuple[str, str]]:
    """(action, object id) of the audit entries recorded as the staff user `username`."""
    entries = AuditEntry.objects.filter(actor__username=username, actor_name=username)
    return list(entries.order_by("pk").values_list("action", "object_id"))


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@dataclass
class AdminApi:
    """The Admin API of the session's `smmpanel serve`, over real HTTP."""

    url: str
    http: httpx.Client

    @property
    def endpoint(self) -> str:
        return f"{self.url}/adminapi/v2"

    def reply(self, response: httpx.Response) -> Any:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == JSON
        return response.json()

    def post(self, key: str | None, action: str, **params: Any) -> Any:
        body = {"action": action, **params}
        if key is not None:
            body["key"] = key
        return self.reply(self.http.post(self.endpoint, data=body))


@pytest.fixture
def adminapi(panel_server, http, transactional_db) -> AdminApi:
    return AdminApi(panel_server.url, http)
