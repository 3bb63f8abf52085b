import httpx
import pytest

from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db(transaction=True)


def test_balance_over_real_http(panel_server):
    _, key = make_account("12.5")
    reply = httpx.post(panel_server.api, data={"key": key, "action": "balance"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    assert reply.json() == {"balance": "12.50", "currency": "USD"}


def test_add_over_real_http_charges_the_rate(panel_server):
    account, key = make_account("1")
    service = make_service()
    reply = httpx.post(
        panel_server.api,
        data={
            "key": key,
            "action": "add",
            "service": service.pk,
            "link": "https://x.com/a",
            "quantity": 100,
        },
    )
    order_id = reply.json()["order"]
    status = httpx.post(panel_server.api, data={"key": key, "action": "status", "order": order_id})
    assert status.json()["charge"] == "0.09"
    account.refresh_from_db()
    assert str(account.balance) == "0.91000"
