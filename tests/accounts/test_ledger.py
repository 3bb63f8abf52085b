from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.actions import suspend_account
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.keys import authenticate_key, hash_key, issue_api_key
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.accounts.registration import create_account
from smmpanel.audit.log import Actor
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def test_every_balance_change_is_a_ledger_entry_with_the_resulting_balance():
    account, _ = make_account("10")
    ledger.deposit(account=account, amount=Decimal("5.5"), reason="top-up")
    ledger.adjust(account=account, amount=Decimal("-0.25"), reason="correction")
    ledger.charge(account_id=account.pk, amount=Decimal("0.27819"))
    account.refresh_from_db()
    entries = list(account.ledger.order_by("pk").values_list("kind", "amount", "balance_after"))
    assert entries == [
        ("deposit", Decimal("10"), Decimal("10")),
        ("deposit", Decimal("5.5"), Decimal("15.5")),
        ("adjustment", Decimal("-0.25"), Decimal("15.25")),
        ("charge", Decimal("-0.27819"), Decimal("14.97181")),
    ]
    assert account.balance == Decimal("14.97181") == ledger.ledger_total(account)
    assert ledger.audit() == []


def test_charge_beyond_the_balance_is_refused_and_changes_nothing():
    account, _ = make_account("1")
    with pytest.raises(AccountError) as raised:
        ledger.charge(account_id=account.pk, amount=Decimal("1.00001"))
    assert raised.value.code == AccountErrorCode.NOT_ENOUGH_FUNDS
    account.refresh_from_db()
    assert account.balance == Decimal("1")
    assert account.ledger.count() == 1


def test_adjustment_can_not_take_the_balance_below_zero():
    account, _ = make_account("1")
    with pytest.raises(AccountError):
        ledger.adjust(account=account, amount=Decimal("-2"), reason="too much")
    for bad in (Decimal("0"), Decimal("-1"), Decimal("NaN")):
        with pytest.raises(AccountError):
            ledger.deposit(account=account, amount=bad)


def test_audit_finds_a_balance_written_behind_the_ledger():
    account, _ = make_account("3")
    Account.objects.filter(pk=account.pk).update(balance=Decimal("4"))
    [(mismatched, total)] = ledger.audit()
    assert mismatched.pk == account.pk
    assert total == Decimal("3")


def test_api_key_is_stored_only_as_its_hash_and_can_be_regenerated():
    account, key = create_account(username="keyholder")
    assert account.api_key_hash == hash_key(key) and key not in account.api_key_hash
    assert authenticate_key(key).pk == account.pk
    new_key = issue_api_key(account=account)
    assert new_key != key
    with pytest.raises(AccountError):
        authenticate_key(key)
    assert authenticate_key(new_key).pk == account.pk


def test_suspended_or_unknown_keys_are_refused():
    account, key = make_account()
    suspend_account(account_id=account.pk, acting_user=Actor.system())
    with pytest.raises(AccountError) as raised:
        authenticate_key(key)
    assert raised.value.code == AccountErrorCode.SUSPENDED
    for bad in (None, "", "x" * 500, "0" * 32):
        with pytest.raises(AccountError) as raised:
            authenticate_key(bad)
        assert raised.value.code == AccountErrorCode.INVALID_KEY


def test_a_username_can_be_taken_once():
    create_account(username="taken")
    with pytest.raises(AccountError) as raised:
        create_account(username="taken")
    assert raised.value.code == AccountErrorCode.USERNAME_TAKEN
    assert LedgerEntry.objects.count() == 0


def test_the_largest_balance_is_kept_to_the_last_digit_and_one_beyond_it_is_refused():
    account, _ = make_account("9999999999.99998")
    ledger.deposit(account=account, amount=Decimal("0.00001"))
    account.refresh_from_db()
    assert account.balance == Decimal("9999999999.99999") == ledger.ledger_total(account)
    assert authenticate_key_balance(account) == Decimal("9999999999.99999")
    with pytest.raises(AccountError) as refused:
        ledger.deposit(account=account, amount=Decimal("0.00001"))
    assert refused.value.code == AccountErrorCode.BALANCE_TOO_LARGE
    account.refresh_from_db()
    assert account.balance == Decimal("9999999999.99999")
    assert account.ledger.count() == 2
    assert ledger.audit() == []


def authenticate_key_balance(account: Account) -> Decimal:
    """The balance as the API reads it (a written-out query, not the ORM)."""
    return authenticate_key(issue_api_key(account=account)).balance


@pytest.mark.django_db
def test_ledger_total_is_exact_whatever_the_database_sums_in():
    """Found by the property test: SQLite sums decimals as floats."""
    account, _ = make_account()
    for amount in ("0.03884", "8.25386", "0.02242"):
        ledger.deposit(account=account, amount=Decimal(amount))
    ledger.adjust(account=account, amount=Decimal("-0.18819"), reason="correction")
    assert ledger.ledger_total(account) == Decimal("8.12693")
    assert str(ledger.ledger_total(account)) == "8.12693"


@pytest.mark.parametrize("amount", ["0", "0.00000", "-0", "0.000001"])
def test_an_adjustment_of_nothing_is_refused_and_writes_nothing(amount):
    account, _ = make_account("5")
    with pytest.raises(AccountError) as refused:
        ledger.adjust(account=account, amount=Decimal(amount), reason="correction")
    assert refused.value.code == AccountErrorCode.ADJUSTMENT_ZERO
    assert account.ledger.count() == 1
    account.refresh_from_db()
    assert account.balance == Decimal("5")


@pytest.mark.parametrize("reason", ["", " ", "\t\n", "\u3000"])
def test_an_adjustment_without_a_reason_is_refused_and_writes_nothing(reason):
    account, _ = make_account("5")
    with pytest.raises(AccountError) as refused:
        ledger.adjust(account=account, amount=Decimal("1"), reason=reason)
    assert refused.value.code == AccountErrorCode.REASON_REQUIRED
    assert account.ledger.count() == 1
    account.refresh_from_db()
    assert account.balance == Decimal("5")


def test_a_reason_longer_than_its_column_is_stored_cut_to_it():
    # PostgreSQL refuses a value over varchar(255); SQLite would keep it whole.
    account, _ = make_account("5")
    reason = "Ärger über die Rechnung " * 20  # 480 characters, some of two bytes
    adjusted = ledger.adjust(account=account, amount=Decimal("1"), reason=reason)
    deposited = ledger.deposit(account=account, amount=Decimal("1"), reason=reason)
    for entry in (adjusted, deposited):
        assert entry.reason == reason[:255]
        assert LedgerEntry.objects.get(pk=entry.pk).reason == reason[:255]
    account.refresh_from_db()
    assert account.balance == Decimal("7") == ledger.ledger_total(account)


def test_a_second_refund_of_an_order_is_refused_by_the_database_and_changes_nothing():
    """The constraint behind `refund`'s "at most once" (orders/status checks first, so only a
    caller that does not, or a race, reaches it); the caller's transaction goes on."""
    from smmpanel.orders.placement import place_order
    from tests.factories import make_service

    account, _ = make_account("5")
    service = make_service(rate=Decimal("1"), min_quantity=1)
    order = place_order(
        account=account, service=service, params={"link": "https://x.com/a", "quantity": "1000"}
    )
    first = ledger.refund(account_id=account.pk, amount=Decimal("0.4"), order_id=order.pk)
    assert first is not None and first.amount == Decimal("0.4")
    again = ledger.refund(account_id=account.pk, amount=Decimal("0.6"), order_id=order.pk)
    assert again is None
    # The transaction is still usable (a savepoint undid the failed insert alone).
    account.refresh_from_db()
    assert account.balance == Decimal("4.4") == ledger.ledger_total(account)
    assert list(LedgerEntry.objects.filter(order=order).values_list("kind", "amount")) == [
        ("charge", Decimal("-1")),
        ("refund", Decimal("0.4")),
    ]
    assert ledger.audit() == []
