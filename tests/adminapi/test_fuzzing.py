"""Schema-driven fuzzing of the Admin API (schemathesis) against a real server, as API v2's.

Requests generated from the OpenAPI description (tests/fuzzing.py), most with a valid admin key:
the server never answers 5xx, always answers JSON, and a refused request changes nothing.
"""

import pytest
from django.db.models import Sum

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.adminapi import openapi
from smmpanel.audit.models import AuditEntry
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, Refill
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests import fuzzing
from tests.adminapi.conftest import make_staff, place_manual_orders

pytestmark = pytest.mark.django_db(transaction=True)

SCHEMA = fuzzing.schema(openapi.PATH)
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


@pytest.mark.e2e
def test_generated_requests_never_fail_the_server(panel_server):
    staff = make_staff("fuzzbot", "admin")
    # Something for the generated ids to find: orders, a refill and a cancel with low ids.
    first, second, *_ = place_manual_orders(6, refill=True, cancel=True, min_quantity=1)
    apply_status(order_id=first.pk, status=OrderStatus.COMPLETED, remains=0)
    first.refresh_from_db()
    request_refill(account=first.account, order=first)
    request_cancel(account=second.account, order=second)
    seen = fuzzing.fuzz(SCHEMA, panel_server.url, staff.key, _state, EXAMPLES)
    print(seen)
    assert seen.get("answered", 0) > 0
