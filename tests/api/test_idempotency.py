"""Safe retries over real HTTP: concurrent retries of one `add` make one order and one charge."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import LedgerEntry
from smmpanel.orders.models import Order, ProductOrder
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db(transaction=True)

RETRIES = 20


def _concurrently(send, count: int = RETRIES) -> list[dict]:
    def one(_: int) -> dict:
        with httpx.Client(timeout=60) as client:
            return send(client).json()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def test_concurrent_retries_of_add_make_one_order_and_one_charge(panel_server):
    service = make_service(rate=Decimal("1"))
    # Enough for several orders: only the key stops the retries from each placing one.
    account, key = make_account("5")
    body = {
        "key": key,
        "action": "add",
        "service": service.pk,
        "link": "https://instagram.com/p/retry",
        "quantity": 100,
        "idempotency_key": "order-7f3a",
    }
    replies = _concurrently(lambda client: client.post(panel_server.api, data=body))
    order = Order.objects.get(account=account)
    assert replies == [{"order": order.pk}] * RETRIES
    assert LedgerEntry.objects.filter(account=account).exclude(kind="deposit").count() == 1
    account.refresh_from_db()
    assert account.balance == Decimal("4.9")
    assert audit() == []


def test_concurrent_retries_with_the_header_make_one_product_order(panel_server):
    product = make_product(stock=10)
    account, key = make_account("100")
    body = {"key": key, "action": "add_product_order", "product": product.pk, "quantity": 2}
    headers = {"Idempotency-Key": "product-1"}
    replies = _concurrently(
        lambda client: client.post(panel_server.api, json=body, headers=headers)
    )
    order = ProductOrder.objects.get(account=account)
    assert replies == [{"order": order.pk}] * RETRIES
    assert order.items.count() == 2
    account.refresh_from_db()
    assert account.balance == Decimal("95")


def test_same_key_with_other_parameters_is_an_error_and_changes_nothing(panel_server):
    service = make_service()
    account, key = make_account("10")
    body = {
        "key": key,
        "action": "add",
        "service": service.pk,
        "link": "https://instagram.com/p/a",
        "quantity": 100,
    }
    headers = {"Idempotency-Key": "k-1"}
    first = httpx.post(panel_server.api, data=body, headers=headers).json()
    again = httpx.post(panel_server.api, data=body, headers=headers).json()
    other = httpx.post(panel_server.api, data={**body, "quantity": 200}, headers=headers)
    assert again == first
    assert other.status_code == 200
    assert other.json() == {
        "error": "This idempotency key was already used with different parameters"
    }
    assert Order.objects.filter(account=account).count() == 1


def test_parameter_wins_over_the_header(panel_server):
    service = make_service()
    account, key = make_account("10")
    body = {
        "key": key,
        "action": "add",
        "service": service.pk,
        "link": "https://instagram.com/p/a",
        "quantity": 100,
    }
    by_param = httpx.post(panel_server.api, data={**body, "idempotency_key": "p"}).json()
    by_header = httpx.post(
        panel_server.api, data={**body, "idempotency_key": "p"}, headers={"Idempotency-Key": "h"}
    ).json()
    assert by_header == by_param
    assert Order.objects.get(account=account).idempotency_key == "p"
