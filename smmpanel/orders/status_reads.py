"""What the API's `status` action reads: a customer's orders by id, in one indexed query.

Status is the call reseller bots make all day, often with 100 ids at a time. The query is written
out once rather than built by the ORM on every request (compiling a select_related query costs
more than running it), and rows come back as light tuples, not model instances.
"""

import json
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from smmpanel.catalog.models import Service
from smmpanel.catalog.order_types import OrderType
from smmpanel.money import from_db_text
from smmpanel.orders.models import Order


class OrderStatusRow(NamedTuple):
    """The fields of an order that its status reply shows, and its service's type."""

    pk: int
    service_type: str
    status: str
    charge_text: str
    start_count: int | None
    remains: int | None
    quantity: int
    runs: int | None
    interval: int | None
    details_raw: object

    @property
    def charge(self) -> Decimal:
        return from_db_text(self.charge_text)

    @property
    def total_quantity(self) -> int:
        return self.quantity * (self.runs or 1)

    @property
    def details(self) -> dict:
        # Read for subscriptions only: JSON text on SQLite, already decoded on PostgreSQL.
        raw = self.details_raw
        if isinstance(raw, str):
            return json.loads(raw)
        return raw if isinstance(raw, dict) else {}


_SELECT = (
    "SELECT o.id, s.type, o.status, CAST(o.charge AS TEXT), o.start_count, o.remains, "
    'o.quantity, o.runs, o."interval", '
    f"CASE WHEN s.type = '{OrderType.SUBSCRIPTIONS}' THEN o.details END "
    f"FROM {Order._meta.db_table} o JOIN {Service._meta.db_table} s ON s.id = o.service_id "
    # `+` keeps SQLite on the primary key (one seek per id) rather than the account's index.
    "WHERE +o.account_id = %s AND o.id IN ({ids})"
)


def status_rows(account_id: int, order_ids: list[int]) -> dict[int, OrderStatusRow]:
    """The account's orders among `order_ids` (other customers' are simply absent), by id."""
    if not order_ids:
        return {}
    sql = _SELECT.format(ids=", ".join(["%s"] * len(order_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [account_id, *order_ids])
        rows = cursor.fetchall()
    return {row[0]: OrderStatusRow(*row) for row in rows}
