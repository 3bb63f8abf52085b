from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
import pytest

from smmpanel.accounts.ledger import audit
from smmpanel.orders.models import Order
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db(transaction=True)

AFFORDABLE = 10
ATTEMPTS = 60


def test_concurrent_orders_never_spend_more_than_the_balance(panel_server):
    """A balance that pays for exactly K orders receives many more concurrent `add` requests
    against the running server: exactly K are accepted, the rest are refused for funds."""
    service = make_service(rate=Decimal("1"), min_quantity=100, max_quantity=100)
    account, key = make_account(str(Decimal("0.1") * AFFORDABLE))
    params = {"key": key, "action": "add", "service": service.pk, "quantity": 100}

    def add(n: int) -> dict:
        with httpx.Client(timeout=60) as client:
            reply = client.post(panel_server.api, data={**params, "link": f"https://x.com/{n}"})
            return reply.json()

    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(add, range(ATTEMPTS)))

    accepted = [reply["order"] for reply in replies if "order" in reply]
    refused = [reply["error"] for reply in replies if "error" in reply]
    assert len(accepted) == AFFORDABLE
    assert refused == ["Not enough funds on balance"] * (ATTEMPTS - AFFORDABLE)
    assert Order.objects.filter(account=account).count() == AFFORDABLE
    account.refresh_from_db()
    assert account.balance == 0
    assert audit() == []
