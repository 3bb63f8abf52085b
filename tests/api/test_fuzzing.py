"""Schema-driven fuzzing of API v2 (schemathesis) against a real server.

Requests generated from the OpenAPI description (tests/fuzzing.py), most with a valid key: the
server never answers 5xx, always answers JSON, and a refused request changes nothing in the
database.
"""

import httpx
import pytest
from django.db.models import Sum

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.api import openapi
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import CancelRequest, Order, ProductOrder, Refill
from tests import fuzzing
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMA = fuzzing.schema(openapi.PATH)
EXAMPLES = 300


def _state() -> tuple:
    """Everything a request could change."""
    return (
        Order.objects.count(),
        ProductOrder.objects.count(),
        LedgerEntry.objects.count(),
        Refill.objects.count(),
        CancelRequest.objects.count(),
        Account.objects.aggregate(total=Sum("balance"))["total"],
        Account.objects.filter(status="active").count(),
    )


@pytest.mark.e2e
def test_generated_requests_never_fail_the_server(panel_server):
    _, key = make_account("100000")
    # Something for the generated ids to find: a few services and products with low ids.
    make_service(min_quantity=1, refill=True, cancel=True, dripfeed=True)
    make_service(type=OrderType.PACKAGE, min_quantity=1, max_quantity=1)
    make_service(type=OrderType.SUBSCRIPTIONS, min_quantity=1)
    make_product(stock=3)
    seen = fuzzing.fuzz(SCHEMA, panel_server.url, key, _state, EXAMPLES)
    print(seen)
    assert seen.get("answered", 0) > 0


@pytest.mark.e2e
def test_methods_the_description_does_not_list_answer_json(panel_server):
    for method in ("PUT", "PATCH", "DELETE", "OPTIONS"):
        reply = httpx.request(method, panel_server.api, timeout=10)
        assert reply.status_code == 200
        assert reply.json() == {"error": "Incorrect request"}
