"""The signals other apps follow orders by: sent once per change, inside its transaction."""

from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection

from smmpanel.audit.log import Actor
from smmpanel.orders.cancels import reject_cancel, request_cancel
from smmpanel.orders.changes import cancel_changed, orders_changed, refill_changed
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import report_refill_status, request_refill
from smmpanel.orders.status import StatusReport, apply_status, apply_statuses
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


@contextmanager
def heard(signal, field):
    """What `signal` carried, with whether a transaction was open at the time."""
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs[field], connection.in_atomic_block))

    signal.connect(receiver)
    try:
        yield received
    finally:
        signal.disconnect(receiver)


def _order(**service):
    account, _ = make_account("10")
    service_ = make_service(rate=Decimal("1"), **service)
    params = {"link": "https://x.com/a", "quantity": "1000"}
    return account, place_order(account=account, service=service_, params=params)


def test_a_status_change_is_heard_once_inside_its_transaction():
    _, order = _order()
    with heard(orders_changed, "orders") as received:
        apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, remains=1000)
        apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, remains=1000)
        apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
        apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    statuses = [(orders[0].pk, orders[0].status) for orders, _ in received]
    # The repeated In progress still writes (a poll may bring new figures); a repeated final
    # status changes nothing and is not heard.
    assert statuses == [(order.pk, "In progress"), (order.pk, "In progress"),
                        (order.pk, "Completed")]  # fmt: skip
    assert all(in_transaction for _, in_transaction in received)


def test_a_batch_is_heard_as_one_list_of_the_orders_that_changed():
    _, first = _order()
    _, second = _order()
    with heard(orders_changed, "orders") as received:
        apply_statuses([
            StatusReport(first.pk, OrderStatus.IN_PROGRESS, remains=10),
            StatusReport(second.pk, OrderStatus.PARTIAL, remains=500),
            StatusReport(first.pk, "No such status"),
        ])  # fmt: skip
    assert len(received) == 1
    assert sorted((o.pk, o.status) for o in received[0][0]) == [
        (first.pk, "In progress"),
        (second.pk, "Partial"),
    ]


def test_refills_and_cancels_are_heard_when_opened_and_decided():
    account, order = _order(refill=True, cancel=True)
    with heard(cancel_changed, "cancel") as cancels:
        cancel = request_cancel(account=account, order=order)
        reject_cancel(cancel_id=cancel.pk, acting_user=Actor.system())
        reject_cancel(cancel_id=cancel.pk, acting_user=Actor.system())
    assert [c.status for c, _ in cancels] == ["Pending", "Rejected"]

    order = apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    with heard(refill_changed, "refill") as refills:
        refill = request_refill(account=account, order=order)
        report_refill_status(refill_id=refill.pk, status="Completed")
        report_refill_status(refill_id=refill.pk, status="Completed")
    assert [r.status for r, _ in refills] == ["Pending", "Completed"]


def test_a_cancel_closed_by_the_final_status_is_heard():
    account, order = _order(cancel=True)
    request_cancel(account=account, order=order)
    with heard(cancel_changed, "cancel") as cancels:
        apply_status(order_id=order.pk, status=OrderStatus.CANCELED)
    assert [c.status for c, _ in cancels] == ["Accepted"]
