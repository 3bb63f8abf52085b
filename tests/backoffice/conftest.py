"""Operators of both roles, logged in, and a small shop to act on."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from smmpanel.backoffice import roles
from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.placement import place_order
from tests.factories import make_account, make_service


def operator(username: str, group: str) -> Client:
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_op(db) -> Client:
    return operator("alice", roles.ADMIN)


@pytest.fixture
def support_op(db) -> Client:
    return operator("sam", roles.SUPPORT)


@pytest.fixture
def shop(db) -> dict:
    account, key = make_account("100", username="buyer")
    manual = make_service(name="Manual likes", refill=True, cancel=True)
    simulated = make_service(name="Auto views", fulfilment=Fulfilment.SIMULATED)
    orders = [
        place_order(
            account=account,
            service=manual,
            params={"link": f"https://x.com/{n}", "quantity": "1000"},
        )
        for n in range(3)
    ]
    auto = place_order(
        account=account, service=simulated, params={"link": "https://x.com/a", "quantity": "100"}
    )
    return {
        "account": account,
        "key": key,
        "manual": manual,
        "simulated": simulated,
        "orders": orders,
        "auto": auto,
    }
