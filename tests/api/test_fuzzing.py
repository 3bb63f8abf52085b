"""Schema-driven fuzzing of API v2 (schemathesis) against a real server.

Requests generated from the OpenAPI description, both fitting it and not (every method and body
type it lists, any values), most with a valid key: the server never answers 5xx, always answers
JSON, and a refused request changes nothing in the database.
"""

import json

import httpx
import pytest
import schemathesis
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.api import openapi
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import CancelRequest, Order, ProductOrder, Refill
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMA = schemathesis.openapi.from_dict(json.loads(openapi.PATH.read_text(encoding="utf-8")))
EXAMPLES = 300
# The HTTP server (granian) refuses an oversized request head itself, with an empty body, as the
# OpenAPI description says: a URL over 64 KiB (414), a head over its buffer of 408 KiB (431).
MAX_URL_BYTES = 65534
MAX_HEAD_BYTES = 417792


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


def _with_key(case, key: str) -> None:
    """Put the valid key where the case's own parameters are."""
    if isinstance(case.body, dict):
        case.body["key"] = key
    else:
        case.query = {**(case.query or {}), "key": key}


def _refused(reply) -> bool:
    return isinstance(reply, dict) and set(reply) == {"error"}


@pytest.mark.e2e
def test_generated_requests_never_fail_the_server(panel_server):
    _, key = make_account("100000")
    # Something for the generated ids to find: a few services and products with low ids.
    make_service(min_quantity=1, refill=True, cancel=True, dripfeed=True)
    make_service(type=OrderType.PACKAGE, min_quantity=1, max_quantity=1)
    make_service(type=OrderType.SUBSCRIPTIONS, min_quantity=1)
    make_product(stock=3)
    cases = st.one_of(
        SCHEMA.as_strategy(GenerationMode.POSITIVE), SCHEMA.as_strategy(GenerationMode.NEGATIVE)
    )
    seen: dict[str, int] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        # Shrinking a failure through a server takes minutes; the failing request is printed.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, valid_key=st.integers(0, 4))
    def fuzz(case, valid_key):
        if valid_key:
            _with_key(case, key)
        before = _state()
        response = case.call(base_url=panel_server.url, timeout=30)
        sent = response.request
        request = f"{sent.method} {sent.url} {sent.headers} {sent.body!r:.300}"
        assert response.status_code < 500, request
        if response.status_code in (414, 431):
            head = len(sent.url.encode()) + sum(len(f"{k}: {v}") for k, v in sent.headers.items())
            limit = MAX_URL_BYTES if response.status_code == 414 else MAX_HEAD_BYTES
            assert len(sent.url.encode()) > limit or head > limit, request
            assert _state() == before
            seen["head too large"] = seen.get("head too large", 0) + 1
            return
        content_type = response.headers.get("content-type")
        assert content_type == ["application/json; charset=utf-8"], (
            f"{response.status_code} {content_type} {response.content!r:.200} for {request}"
        )
        reply = json.loads(response.content)
        kind = "refused" if _refused(reply) else "answered"
        seen[kind] = seen.get(kind, 0) + 1
        if _refused(reply):
            assert _state() == before, request

    fuzz()
    print(seen)
    assert seen.get("answered", 0) > 0


@pytest.mark.e2e
def test_methods_the_description_does_not_list_answer_json(panel_server):
    for method in ("PUT", "PATCH", "DELETE", "OPTIONS"):
        reply = httpx.request(method, panel_server.api, timeout=10)
        assert reply.status_code == 200
        assert reply.json() == {"error": "Incorrect request"}
