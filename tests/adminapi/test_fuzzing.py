"""Schema-driven fuzzing of the Admin API (schemathesis) against a real server, as API v2's.

Requests generated from the OpenAPI description, both fitting it and not, most with a valid admin
key: the server never answers 5xx, always answers JSON, and a refused request changes nothing.
"""

import json

import pytest
import schemathesis
from django.db.models import Sum
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.adminapi import openapi
from smmpanel.audit.models import AuditEntry
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, Refill
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.adminapi.conftest import make_staff, place_manual_orders

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMA = schemathesis.openapi.from_dict(json.loads(openapi.PATH.read_text(encoding="utf-8")))
EXAMPLES = 150


def _state() -> tuple:
    """Everything a request could change."""
    return (
        list(Order.objects.order_by("pk").values_list("status", "start_count", "remains")),
        list(Refill.objects.order_by("pk").values_list("status", flat=True)),
        list(CancelRequest.objects.order_by("pk").values_list("status", flat=True)),
        LedgerEntry.objects.count(),
        Account.objects.aggregate(total=Sum("balance"))["total"],
        AuditEntry.objects.count(),
    )


def _with_key(case, key: str) -> None:
    if isinstance(case.body, dict):
        case.body["key"] = key
    else:
        case.query = {**(case.query or {}), "key": key}


def _refused(reply) -> bool:
    return isinstance(reply, dict) and set(reply) == {"error"}


@pytest.mark.e2e
def test_generated_requests_never_fail_the_server(panel_server):
    staff = make_staff("fuzzbot", "admin")
    # Something for the generated ids to find: orders, a refill and a cancel with low ids.
    first, second, *_ = place_manual_orders(6, refill=True, cancel=True, min_quantity=1)
    apply_status(order_id=first.pk, status=OrderStatus.COMPLETED, remains=0)
    first.refresh_from_db()
    request_refill(account=first.account, order=first)
    request_cancel(account=second.account, order=second)
    cases = st.one_of(
        SCHEMA.as_strategy(GenerationMode.POSITIVE), SCHEMA.as_strategy(GenerationMode.NEGATIVE)
    )
    seen: dict[str, int] = {}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, valid_key=st.integers(0, 4))
    def fuzz(case, valid_key):
        if valid_key:
            _with_key(case, staff.key)
        before = _state()
        response = case.call(base_url=panel_server.url, timeout=30)
        sent = response.request
        request = f"{sent.method} {sent.url} {sent.headers} {sent.body!r:.300}"
        assert response.status_code < 500, request
        if response.status_code in (414, 431):  # the HTTP server's own refusal, as for API v2
            assert _state() == before, request
            return
        assert response.headers.get("content-type") == ["application/json; charset=utf-8"], request
        reply = json.loads(response.content)
        kind = "refused" if _refused(reply) else "answered"
        seen[kind] = seen.get(kind, 0) + 1
        if _refused(reply):
            assert _state() == before, request

    fuzz()
    print(seen)
    assert seen.get("answered", 0) > 0
