"""`ledger.charge_new_order`: the order and its charge written at once (one statement on
PostgreSQL) store what `rows.insert` and `ledger.charge` store, and never overspend."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from smmpanel import rows
from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import LedgerEntry
from smmpanel.orders.models import Order
from tests.factories import make_account, make_service

LINK = "https://instagram.com/someone"


def new_order(account, service, charge: str, **fields) -> Order:
    now = timezone.now()
    return Order(
        account=account,
        service=service,
        link=LINK,
        quantity=100,
        details={"comments": ["ünïcode", "line"]},
        charge=Decimal(charge),
        remains=100,
        next_attempt_at=now,
        idempotency_fingerprint="",
        link_guarded=False,
        **fields,
    )


def stored(order: Order) -> tuple[dict, dict]:
    """The order and its charge as the ORM reads them back, without ids and times."""
    entry = LedgerEntry.objects.get(order_id=order.pk)
    read = model_to_dict(Order.objects.get(pk=order.pk))
    for name in ("id", "created_at", "updated_at", "next_attempt_at"):
        read.pop(name, None)
    booked = model_to_dict(entry)
    for name in ("id", "order", "created_at"):
        booked.pop(name, None)
    booked["reason"] = booked["reason"].replace(str(order.pk), "<id>")
    return read, booked


@pytest.mark.django_db
def test_the_order_and_its_charge_are_stored_as_insert_and_charge_store_them():
    account, _ = make_account("10")
    service = make_service()
    by_one = new_order(account, service, "1.23457", idempotency_key="k1")
    ledger.charge_new_order(order=by_one, values=rows.insert_params(by_one), amount=by_one.charge)
    by_two = new_order(account, service, "1.23457", idempotency_key="k2")
    with transaction.atomic():
        rows.insert(by_two)
        ledger.charge(
            account_id=account.pk,
            amount=by_two.charge,
            reason=f"Order {by_two.pk}",
            order_id=by_two.pk,
        )
    one, two = stored(by_one), stored(by_two)
    assert one[0] == {**two[0], "idempotency_key": "k1"}
    assert one[1]["balance_after"] == Decimal("8.76543")
    assert one[1] == {**two[1], "balance_after": Decimal("8.76543")}
    assert one[1]["reason"] == "Order <id>"
    assert by_one.pk and not by_one._state.adding
    account.refresh_from_db()
    assert account.balance == Decimal("7.53086")
    assert audit() == []


@pytest.mark.django_db
def test_an_order_the_balance_does_not_hold_is_neither_stored_nor_charged():
    account, _ = make_account("1")
    order = new_order(account, make_service(), "1.00001")
    with pytest.raises(AccountError) as raised:
        ledger.charge_new_order(order=order, values=rows.insert_params(order), amount=order.charge)
    assert raised.value.code == AccountErrorCode.NOT_ENOUGH_FUNDS
    assert not Order.objects.exists()
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.CHARGE).count() == 0
    account.refresh_from_db()
    assert account.balance == Decimal("1")


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_orders_on_a_balance_for_five_place_exactly_five():
    account, _ = make_account("5")
    service = make_service()

    def place(n: int) -> bool:
        order = new_order(account, service, "1")
        try:
            ledger.charge_new_order(
                order=order, values=rows.insert_params(order), amount=Decimal(1)
            )
        except AccountError:
            return False
        finally:
            connections.close_all()
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        placed = list(pool.map(place, range(40)))
    assert placed.count(True) == 5
    assert Order.objects.filter(account=account).count() == 5
    account.refresh_from_db()
    assert account.balance == 0
    assert audit() == []
    if connection.vendor == "postgresql":
        assert LedgerEntry.objects.filter(balance_after__lt=0).count() == 0
