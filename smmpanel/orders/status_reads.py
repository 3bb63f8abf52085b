"""What the API's `status` action reads: a customer's orders by id, in one indexed query.

Status is the call reseller bots make all day, often with 100 ids at a time. The query is written
out once rather than built by the ORM on every request (compiling a select_related query costs
more than running it), and rows come back as light tuples, not model instances.
"""

import json

from smmpanel import rows
from smmpanel.catalog.models import Service
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order

# The columns of a status row, in order; rows are plain tuples (a hundred per reply).
COLUMNS = (
    "pk",
    "service_type",
    "status",
    "charge_text",  # the charge as the database prints it (see money.format_db_amount)
    "start_count_text",  # 0 before the start count is known
    "remains_text",  # the whole quantity (times the runs) before remains are known
    "runs",
    "interval",
    "details",  # subscriptions only: JSON text on SQLite, already decoded on PostgreSQL
)
StatusRow = tuple


_SELECT = (
    # Counts are made text by the database: the reply shows them as strings.
    "SELECT o.id, s.type, o.status, CAST(o.charge AS TEXT), "
    "CAST(COALESCE(o.start_count, 0) AS TEXT), "
    "CAST(COALESCE(o.remains, o.quantity * COALESCE(o.runs, 1)) AS TEXT), "
    'o.runs, o."interval", '
    f"CASE WHEN s.type = '{OrderType.SUBSCRIPTIONS}' THEN o.details END "
    f"FROM {Order._meta.db_table} o JOIN {Service._meta.db_table} s ON s.id = o.service_id "
    # `+` keeps SQLite on the primary key (one seek per id) rather than the account's index.
    "WHERE +o.account_id = %s AND o.id IN ({ids})"
)


def status_rows(account_id: int, order_ids: list[int]) -> list[StatusRow]:
    """The account's orders among `order_ids` (other customers' are simply absent), as tuples of
    COLUMNS, in no particular order."""
    if not order_ids:
        return []
    sql = _SELECT.format(ids=", ".join(["%s"] * len(order_ids)))
    return rows.fetchall(sql, [account_id, *order_ids])


def subscription_details(raw: object) -> dict:
    if isinstance(raw, str):
        return json.loads(raw)
    return raw if isinstance(raw, dict) else {}
