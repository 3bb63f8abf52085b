"""The operator's decisions about a customer's account, each one function that records itself.

Every action takes the `acting_user` (a staff user, the CLI or the system), locks the account's
row and re-reads it, returns without an audit entry when nothing would change, and writes its
audit entry (before -> after) in its own transaction: an action that fails leaves no entry.
Money moves only through `accounts.ledger`, which these call. The back-office, the Django admin
and the CLI call these and decide nothing themselves.
"""

from decimal import Decimal

from django.db import transaction

from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.keys import issue_api_key
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.accounts.registration import create_account
from smmpanel.affiliates.commissions import earn_commission
from smmpanel.audit.log import Actor, record


def _locked(account_id: int) -> Account:
    """The account, its row locked until the transaction ends, read again under the lock."""
    return Account.objects.select_for_update().select_related("user").get(pk=account_id)


def create_customer(
    *,
    username: str,
    acting_user: Actor,
    password: str | None = None,
    email: str = "",
    balance: Decimal | None = None,
) -> tuple[Account, str]:
    """Create a customer with an API key and an optional opening deposit (through the ledger);
    return it and the key, which is shown once and never stored. All or nothing: a taken or
    malformed username, or a bad opening balance, raises AccountError and creates nobody."""
    with transaction.atomic():
        account, key = create_account(
            username=username, password=password, email=email, balance=balance
        )
        record(
            acting_user,
            "account.create",
            obj=account,
            after={
                "username": account.user.get_username(),
                "email": email,
                "balance": account.balance,
                "api_key_hint": account.api_key_hint,
            },
        )
    return account, key


def deposit_funds(
    *, account_id: int, amount: Decimal, acting_user: Actor, reason: str = ""
) -> LedgerEntry:
    """Add `amount` to the customer's balance (the operator's top-up), one ledger entry and one
    audit entry together; AccountError, and nothing written, for an amount that is not positive
    or a balance that would pass the largest one."""
    with transaction.atomic():
        account = _locked(account_id)
        entry = ledger.deposit(account=account, amount=amount, reason=reason)
        # Money the customer paid the operator: the referrer earns their share, as on a
        # payment (an adjustment earns none).
        earn_commission(entry)
        _record_move(acting_user, "account.deposit", account, entry)
    return entry


def adjust_balance(
    *, account_id: int, amount: Decimal, reason: str, acting_user: Actor
) -> LedgerEntry:
    """Correct the customer's balance by the signed `amount`, with a reason; AccountError, and
    nothing written, for a zero amount, an empty reason or a balance that would go below zero."""
    with transaction.atomic():
        account = _locked(account_id)
        entry = ledger.adjust(account=account, amount=amount, reason=reason)
        _record_move(acting_user, "account.adjust", account, entry)
    return entry


def _record_move(acting_user: Actor, action: str, account: Account, entry: LedgerEntry) -> None:
    record(
        acting_user,
        action,
        obj=account,
        summary=entry.reason,
        # The balance the ledger found under the lock, before this entry.
        before={"balance": entry.balance_after - entry.amount},
        after={"balance": entry.balance_after, "ledger_entry": entry.pk},
    )


def suspend_account(*, account_id: int, acting_user: Actor) -> Account:
    """Suspend the customer: their API key and panel orders are refused from the next request.
    Nothing is written when the account is suspended already."""
    return _change_status(account_id, Account.Status.SUSPENDED, "account.suspend", acting_user)


def reactivate_account(*, account_id: int, acting_user: Actor) -> Account:
    """Let a suspended customer in again; nothing is written when the account is active."""
    return _change_status(account_id, Account.Status.ACTIVE, "account.reactivate", acting_user)


def _change_status(
    account_id: int, status: Account.Status, action: str, acting_user: Actor
) -> Account:
    with transaction.atomic():
        account = _locked(account_id)
        if account.status == status:
            return account
        before = account.status
        account.status = status
        account.save(update_fields=["status"])
        record(
            acting_user, action, obj=account, before={"status": before}, after={"status": status}
        )
    return account


def reset_api_key(*, account_id: int, acting_user: Actor) -> tuple[Account, str]:
    """Give the customer a new API key, the old one refused from now on; return the account
    and the key, shown once (only its hash is kept, and the audit entry names its hint)."""
    with transaction.atomic():
        account = _locked(account_id)
        before = account.api_key_hint
        key = issue_api_key(account=account)
        record(
            acting_user,
            "account.reset_key",
            obj=account,
            before={"api_key_hint": before},
            after={"api_key_hint": account.api_key_hint},
        )
    return account, key


def set_rate_discount(*, account_id: int, percent: Decimal, acting_user: Actor) -> Account:
    """Give the customer `percent` off every service's rate (0 to below 100, two decimals);
    AccountError otherwise. Nothing is written when it is the discount they have."""
    if not percent.is_finite() or not 0 <= percent < 100 or percent != round(percent, 2):
        raise AccountError(AccountErrorCode.INVALID_DISCOUNT)
    percent = percent.quantize(Decimal("0.01"))
    with transaction.atomic():
        account = _locked(account_id)
        before = account.rate_discount
        if before == percent:
            return account
        account.rate_discount = percent
        account.save(update_fields=["rate_discount"])
        record(
            acting_user,
            "account.discount",
            obj=account,
            before={"rate_discount": before},
            after={"rate_discount": percent},
        )
    return account
