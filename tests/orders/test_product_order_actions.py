"""The operator reports a Service product order's outcome: refunded once, recorded before and
after; an outcome that changes nothing is not recorded."""

from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Product
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.product_orders import place_product_order, set_product_order_status
from tests.factories import make_account, make_product
from tests.orders.operators import operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def product_order():
    account, _ = make_account("100")
    product = make_product(type=Product.Type.SERVICE)
    return place_product_order(account=account, product=product, quantity="4")


def test_a_partial_outcome_refunds_once_and_is_recorded(product_order):
    changed = set_product_order_status(
        product_order_id=product_order.pk,
        status=OrderStatus.PARTIAL,
        remains=1,
        result="code-1\ncode-2\ncode-3",
        acting_user=operator(),
    )
    assert (changed.status, changed.remains) == (OrderStatus.PARTIAL, 1)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name) == ("product_order.status", "alice")
    assert (entry.object_type, entry.object_id) == ("orders.productorder", str(product_order.pk))
    assert entry.before == {"status": "Pending", "remains": 0, "result": "", "note": ""}
    assert entry.after["status"] == "Partial" and entry.after["remains"] == 1
    # Told again: nothing changes, nothing more is refunded or recorded.
    set_product_order_status(
        product_order_id=product_order.pk,
        status=OrderStatus.PARTIAL,
        remains=1,
        acting_user=operator(),
    )
    refunds = LedgerEntry.objects.filter(product_order=product_order, kind="refund")
    assert [refund.amount for refund in refunds] == [Decimal("2.5")]
    assert AuditEntry.objects.count() == 1
    assert ledger.audit() == []


def test_an_outcome_that_changes_nothing_writes_no_entry(product_order):
    set_product_order_status(
        product_order_id=product_order.pk, status=OrderStatus.PENDING, acting_user=operator()
    )
    assert not AuditEntry.objects.exists()


def test_remains_above_the_quantity_is_refused(product_order):
    with pytest.raises(OrderError) as refused:
        set_product_order_status(
            product_order_id=product_order.pk,
            status=OrderStatus.PARTIAL,
            remains=5,
            acting_user=operator(),
        )
    assert refused.value.code == OrderErrorCode.REMAINS_ABOVE_QUANTITY
    product_order.refresh_from_db()
    assert product_order.status == OrderStatus.PENDING
    assert not AuditEntry.objects.exists()
