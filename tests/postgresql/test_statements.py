"""`rows`' statements on PostgreSQL (smmpanel.postgresql.statements): run by libpq outside a
transaction, prepared once per connection (not behind a pooler in transaction mode), with the
values psycopg's cursors give, and inside a transaction through the transaction."""

import os
from contextlib import nullcontext
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from smmpanel import rows
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.keys import authenticate_key, issue_api_key
from smmpanel.accounts.models import Account
from smmpanel.accounts.registration import create_account
from smmpanel.api import replies
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order
from smmpanel.orders.status_reads import status_along, status_rows
from smmpanel.versions.triggers import TABLE as VERSIONS
from tests.factories import make_service

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]
POOLING = bool(os.environ.get("SMMPANEL_DATABASE_TRANSACTION_POOLING"))
BALANCE = f"SELECT CAST(balance AS TEXT) FROM {Account._meta.db_table} WHERE id = %s"


def prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'smmpanel_%%'")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.fixture
def account() -> Account:
    return create_account(username="alice", balance=Decimal("5.25"))[0]


def test_a_statement_is_prepared_once_per_connection(account):
    assert rows.fetchone(BALANCE, [account.pk]) == ("5.25000",)
    assert rows.fetchone(BALANCE, [account.pk]) == ("5.25000",)
    balance_statement = BALANCE.replace("%s", "$1")
    if POOLING:
        # Unnamed each time: a pooler may hand the next statement to another server connection.
        assert prepared() == []
    else:
        assert prepared().count(balance_statement) == 1


def test_values_are_the_ones_the_orm_reads(account):
    read = rows.get(Account, account.pk)
    expected = Account.objects.get(pk=account.pk)
    assert read is not None
    for field in Account._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(expected, field.attname), field.name
    assert read.created_at.tzinfo is not None
    assert rows.fetchone("SELECT %s, %s, %s", [None, "text", 2**40]) == (None, "text", 2**40)
    assert rows.fetchone("SELECT '100%%', %s", ["x"]) == ("100%", "x")
    found = rows.fetchall(
        f"SELECT id FROM {Account._meta.db_table} WHERE id = ANY(CAST(%s AS bigint[]))",
        [[account.pk, 10**12]],
    )
    assert found == [(account.pk,)]


@pytest.mark.parametrize("in_transaction", [False, True])
def test_types_django_reads_as_text_come_as_text(account, in_transaction):
    """Rows come in binary; jsonb, inet and cidr still as the text Django's fields decode."""
    order = Order.objects.create(
        account=account,
        service=make_service(),
        link="https://x.example/p",
        quantity=100,
        charge=Decimal(1),
        details={"username": "ana", "posts": 3},
    )
    sql = "SELECT CAST(%s AS jsonb), CAST(%s AS inet), CAST(%s AS cidr), CAST(%s AS inet)"
    with transaction.atomic() if in_transaction else nullcontext():
        assert rows.fetchone(sql, ['{"a": [1]}', "10.0.0.1", "10.0.0.0/24", "10.0.0.1/24"]) == (
            '{"a": [1]}',
            "10.0.0.1",
            "10.0.0.0/24",
            "10.0.0.1/24",
        )
        read = rows.get(Order, order.pk)
    assert read is not None
    assert read.details == {"username": "ana", "posts": 3} == Order.objects.get(pk=order.pk).details


def test_a_deallocated_statement_is_prepared_again(account):
    rows.fetchone(BALANCE, [account.pk])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert prepared() == []
    assert rows.fetchone(BALANCE, [account.pk]) == ("5.25000",)
    assert len(prepared()) == (0 if POOLING else 1)


def test_inside_a_transaction_the_statement_is_part_of_it(account):
    with transaction.atomic():
        changed = rows.execute(
            f"UPDATE {Account._meta.db_table} SET balance = %s WHERE id = %s",
            [Decimal(7), account.pk],
        )
        assert changed == 1
        assert rows.fetchone(BALANCE, [account.pk]) == ("7.00000",)
        transaction.set_rollback(True)
    assert rows.fetchone(BALANCE, [account.pk]) == ("5.25000",)


def test_a_rowcount_and_an_error_as_django_gives_them(account):
    insert = f"INSERT INTO {VERSIONS} (name, number) VALUES (%s, %s)"
    assert rows.execute(insert, ["a test's own", 1]) == 1
    with pytest.raises(IntegrityError):
        rows.execute(insert, ["a test's own", 2])
    # The connection goes on: the failed statement was a transaction of its own.
    assert rows.execute(f"DELETE FROM {VERSIONS} WHERE name = %s", ["a test's own"]) == 1
    assert rows.fetchone(BALANCE, [account.pk]) == ("5.25000",)
    assert rows.fetchone(BALANCE, [0]) is None


@pytest.mark.skipif(POOLING, reason="nothing is prepared behind the pooler")
def test_the_status_read_keeps_one_generic_plan(account):
    """PostgreSQL would plan the status read again at each run (a plan for a 1-id array costs
    less than a generic one); its ids come through a sub-select, so the generic plan is kept."""
    service = make_service()
    orders = [
        Order.objects.create(
            account=account,
            service=service,
            link=f"https://x.example/{n}",
            quantity=100,
            charge=Decimal(1),
        )
        for n in range(3)
    ]
    # A table of some size, analysed: on a tiny one PostgreSQL's plans cost alike either way.
    columns = ", ".join(
        f'"{field.column}"' for field in Order._meta.concrete_fields if not field.primary_key
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Order._meta.db_table} ({columns}) SELECT {columns} "
            f"FROM {Order._meta.db_table}, generate_series(1, 20000) WHERE id = %s",
            [orders[0].pk],
        )
        cursor.execute(f"ANALYZE {Order._meta.db_table}")
    for n in range(20):
        found, _ = status_rows(account.pk, [orders[n % 3].pk])
        assert [row[0] for row in found] == [orders[n % 3].pk]
    found, _ = status_rows(account.pk, [order.pk for order in orders] + [10**12])
    assert sorted(row[0] for row in found) == sorted(order.pk for order in orders)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '%%FROM orders_order o%%'"
        )
        # One statement for 1 id and for 4 (the ids go as one array's text, of one type).
        ((generic, custom),) = cursor.fetchall()
    assert custom == 5  # PostgreSQL's first five, to compare with the generic plan
    assert generic == 16


def test_the_status_read_along_with_the_key_gives_what_its_own_statement_gives(account):
    """`status_along`'s JSON rows (one round trip with the key's lookup) make the same replies
    as `status_rows`' own statement, for every kind of order; another account's orders and
    unknown ids are absent alike."""
    key = issue_api_key(account=account)
    plain = make_service()
    subscription = make_service(type=OrderType.SUBSCRIPTIONS, min_quantity=1)
    kinds = [
        {"service": plain, "charge": Decimal("0.27819")},
        {
            "service": plain,
            "charge": Decimal("12.5"),
            "status": "Partial",
            "start_count": 3572,
            "remains": 157,
        },
        {"service": plain, "charge": Decimal("1.2"), "runs": 4, "interval": 30},
        {
            "service": subscription,
            "charge": Decimal("3"),
            "details": {"username": "nat", "posts": 5, "posts_served": 2},
        },
    ]
    orders = [
        Order.objects.create(account=account, link=f"https://x.example/{n}", quantity=100, **kind)
        for n, kind in enumerate(kinds)
    ]
    other, _ = create_account(username="bob", balance=Decimal(1))
    theirs = Order.objects.create(
        account=other, service=plain, link="https://x.example/e", quantity=100, charge=1
    )
    ids = [order.pk for order in orders] + [theirs.pk, 10**12]
    along = status_along(ids)
    assert along is not None
    assert authenticate_key(key, along).pk == account.pk
    ridden = replies.order_statuses(status_rows(account.pk, ids, along), "USD")
    own = replies.order_statuses(status_rows(account.pk, ids), "USD")
    assert ridden == own
    assert sorted(ridden) == sorted(order.pk for order in orders)
    assert ridden[orders[1].pk]["start_count"] == "3572"
    assert ridden[orders[2].pk]["runs"] == "4"
    assert ridden[orders[3].pk]["posts"] == "2"
    # One id (status_along's own statement for it): the same reply as for it among the others.
    for pk in ids:
        one = status_along([pk])
        assert one is not None
        assert authenticate_key(key, one).pk == account.pk
        alone = replies.order_statuses(status_rows(account.pk, [pk], one), "USD")
        assert alone == ({pk: own[pk]} if pk in own else {})
    # None of the ids: the column is NULL, no rows; an unknown key reads nothing either.
    nothing = status_along([10**12])
    authenticate_key(key, nothing)
    assert status_rows(account.pk, [10**12], nothing) == ([], set())
    unknown = status_along(ids)
    with pytest.raises(AccountError) as refused:
        authenticate_key("not-a-key", unknown)
    assert refused.value.code == AccountErrorCode.INVALID_KEY
    assert unknown.value is None


@pytest.mark.skipif(POOLING, reason="nothing is prepared behind the pooler")
def test_the_key_lookup_with_the_status_read_keeps_one_generic_plan(account):
    key = issue_api_key(account=account)
    service = make_service()
    order = Order.objects.create(
        account=account, service=service, link="https://x.example/", quantity=100, charge=1
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Order._meta.db_table}")
    # One id and two ids: each its own statement (status_reads._ALONG_ONE and _ALONG).
    for ids in ([order.pk], [order.pk, 10**12]):
        for _ in range(20):
            along = status_along(ids)
            authenticate_key(key, along)
            assert along.value is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement LIKE '%%json_agg%%', generic_plans, custom_plans "
            "FROM pg_prepared_statements WHERE statement LIKE '%%json_build_array%%' ORDER BY 1"
        )
        assert cursor.fetchall() == [(False, 15, 5), (True, 15, 5)]
