"""`apply_statuses`: a provider's batch of reports, in one transaction, by the rules of one."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import StatusReport, apply_statuses
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def _order(account: Account, **service) -> Order:
    values = {"rate": Decimal("1"), **service}
    return place_order(
        account=account,
        service=make_service(**values),
        params={"link": "https://x.com/a", "quantity": "1000"},
    )


WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)


def _writes(queries: CaptureQueriesContext, table: str) -> list[str]:
    """The INSERT and UPDATE statements on `table` among the captured ones."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if (match := WRITE.match(query["sql"])) and match[1] == table
    ]


def test_a_final_status_reported_twice_in_one_batch_writes_nothing_the_second_time():
    account, _ = make_account("10")
    order = _order(account)
    with CaptureQueriesContext(connection) as queries:
        results = apply_statuses(
            [
                StatusReport(order.pk, OrderStatus.PARTIAL, start_count=7, remains=250),
                StatusReport(
                    order.pk, OrderStatus.PARTIAL, start_count=8, remains=900, details={"a": 1}
                ),
            ]
        )
    assert results[order.pk].status == OrderStatus.PARTIAL
    # One write of the order and one refund: the second report is a repeat of a final status.
    assert len(_writes(queries, Order._meta.db_table)) == 1
    assert len(_writes(queries, LedgerEntry._meta.db_table)) == 1
    order.refresh_from_db()
    assert (order.status, order.start_count, order.remains, order.details) == (
        "Partial",
        7,
        250,
        {},
    )
    assert LedgerEntry.objects.get(order=order, kind="refund").amount == Decimal("0.25")
    account.refresh_from_db()
    assert account.balance == Decimal("9.25")
    assert ledger.audit() == []


def test_details_sent_with_a_progress_report_in_a_batch_are_saved():
    account, _ = make_account("100")
    plain = _order(account)
    subscription = place_order(
        account=account,
        service=make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("1"), min_quantity=1),
        params={"username": "star", "min": "10", "max": "10", "posts": "5"},
    )
    untouched = _order(account)
    apply_statuses(
        [
            StatusReport(plain.pk, OrderStatus.IN_PROGRESS, remains=600, details={"error": "slow"}),
            StatusReport(
                subscription.pk, OrderStatus.ACTIVE, remains=20, details={"posts_served": 3}
            ),
            StatusReport(untouched.pk, OrderStatus.IN_PROGRESS, remains=900),
        ]
    )
    plain.refresh_from_db()
    assert (plain.status, plain.remains, plain.details) == ("In progress", 600, {"error": "slow"})
    subscription.refresh_from_db()
    assert subscription.status == OrderStatus.ACTIVE
    # Merged into what the order had: its own fields stay.
    assert subscription.details["posts_served"] == 3
    assert subscription.details["username"] == "star" and subscription.details["max"] == 10
    untouched.refresh_from_db()
    assert (untouched.status, untouched.remains, untouched.details) == ("In progress", 900, {})
