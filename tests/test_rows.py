"""smmpanel.rows: the hot paths' statements write and read exactly what the ORM would, on both
databases, and keep Django's guarantees (error classes, broken transactions, query logging)."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from smmpanel import rows
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.models import Service
from smmpanel.orders.models import Order, OrderStatus
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def order_values(account: Account, service: Service, **overrides) -> dict:
    values = {
        "account": account,
        "service": service,
        "link": "https://www.instagram.com/p/ünïcode/",
        "quantity": 2**62,
        "runs": None,
        "interval": 30,
        "details": {"comments": ["a", "ß"], "n": 1},
        "charge": Decimal("9999999999.99999"),
        "status": OrderStatus.IN_PROGRESS,
        "start_count": 0,
        "remains": None,
        "next_attempt_at": datetime(2026, 11, 24, 5, 6, 7, 890123, tzinfo=UTC),
        "idempotency_key": None,
        "idempotency_fingerprint": "f" * 64,
    }
    return values | overrides


STORED = [
    "account_id",
    "service_id",
    "link",
    "quantity",
    "runs",
    "interval",
    "details",
    "charge",
    "status",
    "start_count",
    "remains",
    "next_attempt_at",
    "idempotency_key",
    "idempotency_fingerprint",
    "link_guarded",
]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"runs": 5, "remains": 7, "idempotency_key": "k-1", "details": {}},
        {"charge": Decimal("0.00001"), "quantity": 1, "next_attempt_at": None, "link": ""},
    ],
)
def test_insert_stores_what_the_orm_stores(overrides):
    account, _ = make_account()
    service = make_service()
    by_orm = Order.objects.create(**order_values(account, service, **overrides))
    if overrides.get("idempotency_key"):  # unique per account
        account, _ = make_account()
    by_rows = rows.insert(Order(**order_values(account, service, **overrides)))

    assert by_rows.pk and by_rows.pk != by_orm.pk
    stored = {o["id"]: o for o in Order.objects.filter(pk__in=[by_orm.pk, by_rows.pk]).values()}
    same = [name for name in STORED if name != "account_id"]
    assert {name: stored[by_rows.pk][name] for name in same} == {
        name: stored[by_orm.pk][name] for name in same
    }
    # auto_now_add and auto_now were set by the insert, not left empty.
    assert stored[by_rows.pk]["created_at"] and stored[by_rows.pk]["updated_at"]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"charge": Decimal("0.00001"), "details": {}, "link_guarded": True, "remains": 0},
        {"charge": Decimal("12.50000"), "runs": 3, "next_attempt_at": None, "start_count": None},
    ],
)
def test_insert_writes_the_column_values_the_orm_writes(overrides):
    """The values as stored (their text, and their storage class on SQLite), not as read back:
    the values passed to the driver as they are must be the ones the fields' conversion gives."""
    account, _ = make_account()
    service = make_service()
    by_orm = Order.objects.create(**order_values(account, service, **overrides))
    by_rows = rows.insert(Order(**order_values(account, service, **overrides)))
    kind = "typeof({0})" if connection.vendor == "sqlite" else "pg_typeof({0})::text"
    columns = ", ".join(
        f"CAST({name} AS TEXT), {kind.format(name)}"
        for name in STORED
        if name not in ("account_id", "service_id")
    )
    stored = {
        row[0]: row[1:]
        for row in rows.fetchall(
            f"SELECT id, {columns} FROM orders_order WHERE id IN (%s, %s)",
            [by_orm.pk, by_rows.pk],
        )
    }
    assert stored[by_rows.pk] == stored[by_orm.pk]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 24, 5, 6, 7, 890123, tzinfo=UTC),
        datetime(2026, 11, 24, 5, 6, 7, tzinfo=UTC),
        datetime(2026, 11, 24, 23, 6, 7, 1, tzinfo=ZoneInfo("Asia/Jakarta")),
        datetime(2026, 11, 24, 5, 6, 7, 890123, tzinfo=timezone(timedelta(hours=-3))),
    ],
)
def test_datetimes_are_written_as_the_orm_writes_them(moment):
    account, _ = make_account()
    service = make_service()
    by_orm = Order.objects.create(**order_values(account, service, next_attempt_at=moment))
    by_rows = rows.insert(Order(**order_values(account, service, next_attempt_at=moment)))
    # The stored text (SQLite) or value (PostgreSQL) itself, not what the ORM parses it back to.
    written = dict(
        rows.fetchall(
            "SELECT id, CAST(next_attempt_at AS TEXT) FROM orders_order WHERE id IN (%s, %s)",
            [by_orm.pk, by_rows.pk],
        )
    )
    assert written[by_rows.pk] == written[by_orm.pk]
    assert Order.objects.get(pk=by_rows.pk).next_attempt_at == moment
    assert connection.ops.adapt_datetimefield_value(moment) == rows.datetime_param(
        connection, moment
    )


def test_values_converted_early_are_the_ones_inserted():
    account, _ = make_account()
    order = Order(**order_values(account, make_service()))
    params = rows.insert_params(order)
    order.link = "https://changed.example/"  # after conversion: not written
    rows.insert(order, params)
    assert Order.objects.get(pk=order.pk).link == "https://www.instagram.com/p/ünïcode/"


def test_get_reads_what_the_orm_reads():
    service = make_service(rate=Decimal("0.27819"), refill=True)
    read = rows.get(Service, service.pk)
    orm = Service.objects.get(pk=service.pk)
    assert read is not None
    assert {f.attname: getattr(read, f.attname) for f in Service._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in Service._meta.concrete_fields
    }
    assert rows.get(Service, service.pk + 1000) is None


def test_written_out_statements_take_django_placeholders():
    account, _ = make_account("12.5")
    table = Account._meta.db_table
    assert rows.fetchone(f"SELECT CAST(balance AS TEXT) FROM {table} WHERE id = %s", [account.pk])
    assert rows.fetchall(f"SELECT id FROM {table} WHERE id IN (%s, %s)", [account.pk, -1]) == [
        (account.pk,)
    ]
    changed = rows.execute(f"UPDATE {table} SET status = %s WHERE id = %s", ["active", account.pk])
    assert changed == 1


def test_a_failed_statement_raises_djangos_error_and_a_broken_transaction_refuses_more():
    account, _ = make_account()
    insert = (
        f"INSERT INTO {LedgerEntry._meta.db_table} (account_id, kind, amount, balance_after, "
        "order_id, product_order_id, reason, created_at) "
        "VALUES (%s, 'charge', -1, -1, NULL, NULL, '', %s)"
    )
    now = connection.ops.adapt_datetimefield_value(datetime.now(UTC))
    with transaction.atomic():
        # ledger_balance_after: a balance can't go below 0.
        with pytest.raises(IntegrityError), transaction.atomic(savepoint=False):
            rows.execute(insert, [account.pk, now])
        with pytest.raises(TransactionManagementError):
            rows.fetchone("SELECT 1", [])
    assert not LedgerEntry.objects.filter(account=account, amount=-1).exists()


def test_statements_are_logged_while_queries_are_captured():
    account, _ = make_account()
    with CaptureQueriesContext(connection) as captured:
        rows.fetchone(f"SELECT id FROM {Account._meta.db_table} WHERE id = %s", [account.pk])
    assert len(captured) == 1
    assert f"WHERE id = {account.pk}" in captured[0]["sql"]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 11, 24, 5, 6, 7, 890123, tzinfo=UTC),
        datetime(2026, 11, 24, 5, 6, 7, tzinfo=UTC),  # no microseconds: printed without them
        datetime(1, 1, 1, tzinfo=UTC),
    ],
)
def test_reader_converts_a_read_value_as_the_orm_does(moment):
    account, _ = make_account()
    Account.objects.filter(pk=account.pk).update(created_at=moment)
    field = Account._meta.get_field("created_at")
    raw = rows.fetchone(
        f"SELECT created_at FROM {Account._meta.db_table} WHERE id = %s", [account.pk]
    )[0]  # type: ignore[index]
    read = rows.reader(field)
    # SQLite gives text that must be converted; PostgreSQL's driver gives the datetime itself
    # (no converter: None, the value is kept as it is).
    assert (read is None) == (connection.vendor == "postgresql")
    converted = read(raw) if read is not None else raw
    orm = Account.objects.values_list("created_at", flat=True).get(pk=account.pk)
    assert converted == orm == moment
    assert converted.tzinfo == orm.tzinfo
    assert rows.reader(Account._meta.get_field("status")) is None


def test_instance_is_the_instance_the_orm_makes():
    account, _ = make_account("12.5")
    orm = Account.objects.get(pk=account.pk)
    names = [field.attname for field in Account._meta.concrete_fields]
    made = rows.instance(Account, names, [getattr(orm, name) for name in names])
    assert type(made) is Account
    assert made == orm
    assert list(made.__dict__) == list(orm.__dict__)
    assert {name: getattr(made, name) for name in names} == {
        name: getattr(orm, name) for name in names
    }
    assert (made._state.adding, made._state.db) == (False, "default")
    assert made.user == orm.user  # relations load as usual
