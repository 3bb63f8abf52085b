"""The operator's decisions about an account, called directly: each writes its own audit entry,
in its own transaction, and none when nothing changes or the decision is refused."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from smmpanel.accounts import actions, ledger
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.keys import authenticate_key
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Actor:
    user = get_user_model().objects.create_user("olga", is_staff=True)
    return Actor(user=user, name="olga", ip="203.0.113.9")


def only_entry() -> AuditEntry:
    (entry,) = AuditEntry.objects.all()
    return entry


def test_create_customer_opens_the_balance_through_the_ledger_and_records_it(operator):
    account, key = actions.create_customer(
        username="  nadia ", email="n@example.com", balance=Decimal("12.5"), acting_user=operator
    )
    assert authenticate_key(key) == account
    assert LedgerEntry.objects.get(account=account).reason == "Opening balance"
    entry = only_entry()
    assert (entry.actor_name, entry.ip, entry.action) == ("olga", "203.0.113.9", "account.create")
    assert (entry.object_type, entry.object_id) == ("accounts.account", str(account.pk))
    assert entry.before is None
    assert entry.after == {
        "username": "nadia",
        "email": "n@example.com",
        "balance": "12.50000",
        "api_key_hint": key[:6],
    }
    assert key not in str(entry.after)


def test_create_customer_with_a_taken_name_or_bad_balance_creates_nobody(operator):
    make_account(username="taken")
    with pytest.raises(AccountError) as taken:
        actions.create_customer(username="taken", acting_user=operator)
    assert taken.value.code == AccountErrorCode.USERNAME_TAKEN
    with pytest.raises(AccountError):
        actions.create_customer(username="new", balance=Decimal("-1"), acting_user=operator)
    assert not get_user_model().objects.filter(username="new").exists()
    assert not AuditEntry.objects.exists()


def test_deposit_funds_records_the_balance_before_and_after(operator):
    account, _ = make_account("10")
    entry = actions.deposit_funds(
        account_id=account.pk, amount=Decimal("2.5"), reason="bank transfer", acting_user=operator
    )
    assert (entry.kind, entry.balance_after) == (LedgerEntry.Kind.DEPOSIT, Decimal("12.5"))
    audit = only_entry()
    assert (audit.actor_name, audit.action, audit.summary) == (
        "olga",
        "account.deposit",
        "bank transfer",
    )
    assert audit.before == {"balance": "10.00000"}
    assert audit.after == {"balance": "12.50000", "ledger_entry": entry.pk}
    assert ledger.audit() == []


def test_a_refused_deposit_writes_neither_money_nor_an_audit_entry(operator):
    account, _ = make_account("10")
    for amount in (Decimal("0"), Decimal("-3"), Decimal("NaN")):
        with pytest.raises(AccountError):
            actions.deposit_funds(account_id=account.pk, amount=amount, acting_user=operator)
    assert Account.objects.get(pk=account.pk).balance == Decimal("10")
    assert not AuditEntry.objects.exists()


def test_adjust_balance_records_the_reason_and_the_change(operator):
    account, _ = make_account("10")
    entry = actions.adjust_balance(
        account_id=account.pk, amount=Decimal("-2.5"), reason="Chargeback", acting_user=operator
    )
    audit = only_entry()
    assert (audit.actor_name, audit.action, audit.summary) == (
        "olga",
        "account.adjust",
        "Chargeback",
    )
    assert audit.before == {"balance": "10.00000"}
    assert audit.after == {"balance": "7.50000", "ledger_entry": entry.pk}


def test_an_adjustment_below_zero_or_without_reason_writes_no_audit_entry(operator):
    account, _ = make_account("10")
    with pytest.raises(AccountError):
        actions.adjust_balance(
            account_id=account.pk, amount=Decimal("-11"), reason="x", acting_user=operator
        )
    with pytest.raises(AccountError):
        actions.adjust_balance(
            account_id=account.pk, amount=Decimal("1"), reason=" ", acting_user=operator
        )
    assert not AuditEntry.objects.exists()
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_suspend_and_reactivate_record_the_status_once(operator):
    account, key = make_account()
    suspended = actions.suspend_account(account_id=account.pk, acting_user=operator)
    assert suspended.status == Account.Status.SUSPENDED
    with pytest.raises(AccountError):
        authenticate_key(key)
    actions.suspend_account(account_id=account.pk, acting_user=operator)  # already: no entry
    entry = only_entry()
    assert (entry.actor_name, entry.action) == ("olga", "account.suspend")
    assert (entry.before, entry.after) == ({"status": "active"}, {"status": "suspended"})

    actions.reactivate_account(account_id=account.pk, acting_user=operator)
    actions.reactivate_account(account_id=account.pk, acting_user=operator)  # already: no entry
    assert authenticate_key(key) == account
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "before", "after"))
    assert entries[1:] == [("account.reactivate", {"status": "suspended"}, {"status": "active"})]


def test_reactivating_an_active_account_writes_nothing(operator):
    account, _ = make_account()
    assert actions.reactivate_account(account_id=account.pk, acting_user=operator) == account
    assert not AuditEntry.objects.exists()


def test_reset_api_key_records_the_hints_never_the_key(operator):
    account, old_key = make_account()
    account, new_key = actions.reset_api_key(account_id=account.pk, acting_user=operator)
    assert authenticate_key(new_key) == account
    with pytest.raises(AccountError):
        authenticate_key(old_key)
    entry = only_entry()
    assert (entry.actor_name, entry.action) == ("olga", "account.reset_key")
    assert entry.before == {"api_key_hint": old_key[:6]}
    assert entry.after == {"api_key_hint": new_key[:6]}


def test_set_rate_discount_records_the_change_and_nothing_when_it_is_the_same(operator):
    account, _ = make_account()
    changed = actions.set_rate_discount(
        account_id=account.pk, percent=Decimal("12.5"), acting_user=operator
    )
    assert changed.rate_discount == Decimal("12.50")
    actions.set_rate_discount(account_id=account.pk, percent=Decimal("12.50"), acting_user=operator)
    entry = only_entry()
    assert (entry.actor_name, entry.action) == ("olga", "account.discount")
    assert (entry.before, entry.after) == ({"rate_discount": "0.00"}, {"rate_discount": "12.50"})


@pytest.mark.parametrize("percent", ["100", "-1", "0.001", "NaN"])
def test_a_discount_out_of_range_is_refused_before_anything_is_written(operator, percent):
    account, _ = make_account()
    with pytest.raises(AccountError) as refused:
        actions.set_rate_discount(
            account_id=account.pk, percent=Decimal(percent), acting_user=operator
        )
    assert refused.value.code == AccountErrorCode.INVALID_DISCOUNT
    assert Account.objects.get(pk=account.pk).rate_discount == 0
    assert not AuditEntry.objects.exists()


def test_the_cli_and_the_system_are_named_as_the_actor():
    account, _ = make_account()
    actions.suspend_account(account_id=account.pk, acting_user=Actor.cli())
    actions.reactivate_account(account_id=account.pk, acting_user=Actor.system())
    names = list(AuditEntry.objects.order_by("pk").values_list("actor_name", "actor"))
    assert names[0][0].startswith("cli:") and names[1] == ("system", None)
