"""What the API's `status` action reads: a customer's orders by id, in one indexed query.

Status is the call reseller bots make all day, often with 100 ids at a time. The query is written
out once rather than built by the ORM on every request (compiling a select_related query costs
more than running it), and rows come back as light tuples, not model instances.
"""

import json
from functools import cache

import orjson
from django.db import DEFAULT_DB_ALIAS, connections

from smmpanel import rows
from smmpanel.accounts.keys import Along
from smmpanel.catalog.models import Service
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order

# A status row is a plain tuple or list (a hundred per reply), of these columns in this order:
#   pk, service_id, status,
#   charge_text       the charge as the database prints it (see money.db_amount_formatter),
#   start_count_text  0 before the start count is known,
#   remains_text      the whole quantity (times the runs) before remains are known,
#   runs, interval,
#   details           the type's parameters, None when it has none (JSON text, or its dict).
StatusRow = tuple | list


# Counts are made text by the database: the reply shows them as strings.
_COLUMNS = (
    "o.id, o.service_id, o.status, CAST(o.charge AS TEXT), "
    "CAST(COALESCE(o.start_count, 0) AS TEXT), "
    "CAST(COALESCE(o.remains, o.quantity * COALESCE(o.runs, 1)) AS TEXT), "
    "o.runs, o.\"interval\", NULLIF(o.details, '{}')"
)
# Followed by `_among`'s condition on the ids.
_SELECT = (
    f"SELECT {_COLUMNS} FROM {Order._meta.db_table} o "
    # `+` keeps SQLite on the primary key (one seek per id) rather than the account's index.
    "WHERE +o.account_id = %s AND o.id "
)
_SUBSCRIPTION_SERVICES = (
    f"SELECT id FROM {Service._meta.db_table} "
    f"WHERE type = '{OrderType.SUBSCRIPTIONS}' AND id {{ids}}"
)


# PostgreSQL plans a prepared statement again at each run while a plan for the values at hand
# costs less than the plan for any values: with the array as a plain parameter, a plan for 1 id
# always does, and the backend planned every status read (0.1–0.2 ms, 3 times the read). In a
# sub-select (an InitPlan) the array is unknown to every plan alike: from the sixth run the one
# generic plan is kept (`pg_prepared_statements.generic_plans`). It still seeks the primary key.
_ANY_ID = "= ANY(CAST((SELECT CAST(%s AS bigint[])) AS bigint[]))"


def _read_along(built: str, among: str) -> str:
    """A read of the account's orders whose ids are `among` (a condition on `o.id`), as `built`
    makes them one JSON text (NULL for none): one more column of the API key's lookup (`Along`),
    one round trip for a status on PostgreSQL."""
    return (
        f"CAST((SELECT {built} FROM {Order._meta.db_table} o "
        f"WHERE o.account_id = a.id AND o.id {among}) AS TEXT)"
    )


# The same columns as one JSON array per order, all of them in one JSON list.
_ALONG = _read_along(f"json_agg(json_build_array({_COLUMNS}))", _ANY_ID)
# One order's (the status of one id, the most frequent request), in the same JSON shape (a list
# of one row) without the aggregate and the array of ids to read: it cost the backend 15–20 µs
# less than `_ALONG` of one id, the client 5–10 (a psycopg loop over the key's lookup with each,
# bench/inprocess.py's database). Its id is a text the statement casts, as `_array` is: one
# parameter type, one statement prepared.
_ALONG_ONE = _read_along(f"json_build_array(json_build_array({_COLUMNS}))", "= CAST(%s AS bigint)")


def status_along(order_ids: list[int]) -> Along | None:
    """The read of `status_rows`, to ride along with the API key's lookup (and then be given to
    `status_rows`) where a statement is a round trip: on PostgreSQL; None elsewhere, or with no
    id. Its rows come as JSON, which PostgreSQL builds and orjson reads in one call each."""
    if not order_ids or not _on_postgresql():
        return None
    if len(order_ids) == 1:
        return Along(_ALONG_ONE, [str(order_ids[0])])
    return Along(_ALONG, [_array(order_ids)])


def status_rows(
    account_id: int, order_ids: list[int], along: Along | None = None
) -> tuple[list[StatusRow], set[int]]:
    """The account's orders among `order_ids` (other customers' are simply absent), as status rows
    (see above) in no particular order, and which of their services sell subscriptions. `along`:
    `status_along(order_ids)`, read with the account's key.

    A subscription order always has parameters (the username, the posts…): the services of
    orders without any, the usual kind, are not looked up at all."""
    if not order_ids:
        return [], set()
    if along is not None:
        found = orjson.loads(along.value) if along.value is not None else []
    else:
        found = rows.fetchall(_SELECT + _among(len(order_ids)), [account_id, *_ids(order_ids)])
    services = list({row[1] for row in found if row[8] is not None})
    if not services:
        return found, set()
    sql = _SUBSCRIPTION_SERVICES.format(ids=_among(len(services)))
    return found, {pk for (pk,) in rows.fetchall(sql, _ids(services))}


def _among(count: int) -> str:
    """`IN (%s, …)` of `count` ids; on PostgreSQL one array parameter instead, so that the
    statement's text is the same for any count and prepared once (see `rows`)."""
    if _on_postgresql():
        return _ANY_ID
    return f"IN ({', '.join(['%s'] * count)})"


def _ids(ids: list[int]) -> list:
    """The parameters that go with `_among`. On PostgreSQL the array as its text, `{1,2,3}`,
    which the statement casts: psycopg dumps a list in Python, element by element, and by the
    largest id's size as smallint[], integer[] or bigint[], each prepared as a statement of its
    own; a string it dumps in C, always as the one type."""
    return [_array(ids)] if _on_postgresql() else ids


def _array(ids: list[int]) -> str:
    return f"{{{','.join(map(str, ids))}}}"


@cache
def _on_postgresql() -> bool:
    # The process's one database, asked once (`connection.vendor` costs a status a percent).
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def subscription_details(raw: object) -> dict:
    if isinstance(raw, str):
        return json.loads(raw)
    return raw if isinstance(raw, dict) else {}
