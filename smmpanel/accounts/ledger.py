"""The only code that moves money.

Every operation locks the account row, re-reads its balance under the lock, writes the new balance
and a ledger entry recording the amount and the resulting balance, all in one transaction. Called
inside a caller's transaction (placing an order), it joins it, so the order and its charge commit or
roll back together.
"""

from contextlib import nullcontext
from decimal import Decimal
from functools import cache

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Model, Sum
from django.utils import timezone

from smmpanel import rows
from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.money import MAX_AMOUNT, ZERO, from_db_text, quantize

Kind = LedgerEntry.Kind


_BALANCE = f"SELECT CAST(balance AS TEXT) FROM {Account._meta.db_table} WHERE id = %s"
_LOCKS = {"postgresql": " FOR NO KEY UPDATE"}
_SET_BALANCE = f"UPDATE {Account._meta.db_table} SET balance = %s WHERE id = %s"
# The entry's values go through the backend's own adapters, as the ORM's would.
_NEW_ENTRY = (
    f"INSERT INTO {LedgerEntry._meta.db_table} (account_id, kind, amount, balance_after, "
    "order_id, product_order_id, post, reason, created_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
    "RETURNING id"
)


@cache
def _locked_balance(vendor: str) -> str:
    """The balance read that locks the account's row until the transaction ends."""
    features = connections[DEFAULT_DB_ALIAS].features
    return _BALANCE + (_LOCKS.get(vendor, " FOR UPDATE") if features.has_select_for_update else "")


def _move(
    *,
    account_id: int,
    amount: Decimal,
    kind: str,
    reason: str = "",
    order_id: int | None = None,
    product_order_id: int | None = None,
    post: int | None = None,
    savepoint: bool = True,
    returning: bool = True,
) -> LedgerEntry | None:
    """Move `amount` (signed) on the balance and record it; the new entry, when `returning`."""
    amount = quantize(amount)
    # A savepoint when nested, so that a failed write leaves the caller's transaction usable.
    with transaction.atomic(savepoint=savepoint):
        # Lock, then read, then write: the statements are written out because every order runs
        # them (the ORM would compile them anew each time).
        # NO KEY UPDATE (PostgreSQL): the balance is no key, so orders being inserted for the
        # account (their foreign-key checks take KEY SHARE locks on its row) do not deadlock
        # with it; two moves of one balance still wait for each other.
        db = connections[DEFAULT_DB_ALIAS]
        balance = from_db_text(rows.fetchone(_locked_balance(db.vendor), [account_id])[0]) + amount  # type: ignore[index]
        if 0 <= balance < MAX_AMOUNT:
            rows.execute(_SET_BALANCE, [balance, account_id])
            reason, created_at, ops = reason[:255], timezone.now(), db.ops
            pk = rows.fetchone(  # type: ignore[index]
                _NEW_ENTRY,
                [
                    account_id,
                    kind,
                    ops.adapt_decimalfield_value(amount),
                    ops.adapt_decimalfield_value(balance),
                    order_id,
                    product_order_id,
                    post,
                    reason,
                    rows.datetime_param(db, created_at),
                ],
            )[0]
            if not returning:
                return None
            entry = LedgerEntry(
                id=pk,
                account_id=account_id,
                kind=kind,
                amount=amount,
                balance_after=balance,
                reason=reason,
                order_id=order_id,
                product_order_id=product_order_id,
                post=post,
                created_at=created_at,
            )
            entry._state.adding = False
            return entry
    # Raised once the block has ended cleanly: nothing was written, the caller's transaction
    # goes on.
    if balance >= MAX_AMOUNT:
        raise AccountError(AccountErrorCode.BALANCE_TOO_LARGE, max=f"{MAX_AMOUNT:,}")
    raise AccountError(AccountErrorCode.NOT_ENOUGH_FUNDS)


def _positive(amount: Decimal) -> Decimal:
    if not amount.is_finite() or quantize(amount) <= 0:
        raise AccountError(AccountErrorCode.INVALID_AMOUNT)
    return amount


def deposit(*, account: Account, amount: Decimal, reason: str = "") -> LedgerEntry:
    """Add funds (a payment, a top-up by the operator)."""
    entry = _move(account_id=account.pk, amount=_positive(amount), kind=Kind.DEPOSIT, reason=reason)
    assert entry is not None
    return entry


def bonus(*, account: Account, amount: Decimal, reason: str) -> LedgerEntry:
    """Add money the panel gives: a deposit bonus, a coupon."""
    entry = _move(account_id=account.pk, amount=_positive(amount), kind=Kind.BONUS, reason=reason)
    assert entry is not None
    return entry


def commission(*, account: Account, amount: Decimal, reason: str) -> LedgerEntry:
    """Pay an affiliate's commissions out to their balance (one entry per payout)."""
    entry = _move(
        account_id=account.pk, amount=_positive(amount), kind=Kind.COMMISSION, reason=reason
    )
    assert entry is not None
    return entry


def adjust(*, account: Account, amount: Decimal, reason: str) -> LedgerEntry:
    """A signed manual correction by the operator; it can not take the balance below zero."""
    if not amount.is_finite() or quantize(amount) == 0:
        raise AccountError(AccountErrorCode.ADJUSTMENT_ZERO)
    if not reason.strip():
        raise AccountError(AccountErrorCode.REASON_REQUIRED)
    entry = _move(account_id=account.pk, amount=amount, kind=Kind.ADJUSTMENT, reason=reason)
    assert entry is not None
    return entry


def charge(
    *,
    account_id: int,
    amount: Decimal,
    reason: str = "",
    order_id: int | None = None,
    product_order_id: int | None = None,
) -> None:
    """Debit an order's price; AccountError(NOT_ENOUGH_FUNDS) and no change when it does not fit."""
    if quantize(amount) == 0:
        return
    _move(
        account_id=account_id,
        amount=-amount,
        kind=Kind.CHARGE,
        reason=reason,
        order_id=order_id,
        product_order_id=product_order_id,
        # A refused charge writes nothing and leaves its block cleanly: no savepoint needed.
        savepoint=False,
        # Inside the order's transaction, which holds the write lock: build nothing not needed.
        returning=False,
    )


# A new order and its charge as one statement (PostgreSQL): the balance is debited only when it
# holds the charge (a concurrent debit is waited for, and the condition read again on its result),
# the order is inserted only with the debit, and its entry records the balance the debit left.
_CHARGE_NEW_ORDER = (
    f"WITH moved AS (UPDATE {Account._meta.db_table} SET balance = balance - %s "
    "WHERE id = %s AND balance >= %s RETURNING balance), "
    "placed AS ({insert}), "
    f"entry AS (INSERT INTO {LedgerEntry._meta.db_table} "
    "(account_id, kind, amount, balance_after, order_id, reason, created_at) "
    "SELECT %s, %s, %s, moved.balance, placed.id, left(%s || placed.id, 255), %s "
    "FROM moved, placed) "
    "SELECT id FROM placed"
)


def charge_new_order(
    *,
    order: Model,
    values: list,
    amount: Decimal,
    reason_prefix: str = "Order ",
    savepoint: bool = True,
) -> None:
    """Insert a new order (`values`: `rows.insert_params(order)`) and debit its charge, with an
    entry whose reason is `reason_prefix` and the order's id: both or neither, as `charge` inside
    the caller's transaction would; AccountError(NOT_ENOUGH_FUNDS), and nothing written, when
    the balance does not hold the charge. Sets the order's primary key.

    On PostgreSQL this is one statement (a transaction of its own outside one): the order, the
    balance's lock and debit, and the entry in one round trip instead of six with BEGIN and
    COMMIT (bench/api.py). Elsewhere, an `insert` and a `charge` in one transaction: a savepoint
    within a caller's, unless `savepoint` is False (then a failure fails the caller's).
    """
    db = connections[DEFAULT_DB_ALIAS]
    amount = quantize(amount)
    if db.vendor != "postgresql" or amount == 0:
        with transaction.atomic(savepoint=savepoint):
            rows.insert(order, values)
            charge(
                account_id=order.account_id,  # type: ignore[attr-defined]
                amount=amount,
                reason=f"{reason_prefix}{order.pk}",
                order_id=order.pk,
            )
        return
    debit = db.ops.adapt_decimalfield_value(amount)
    sql = _CHARGE_NEW_ORDER.format(insert=rows.insert_select(type(order), "moved"))
    account_id = order.account_id  # type: ignore[attr-defined]
    now = rows.datetime_param(db, timezone.now())
    # Outside a transaction the statement is one; within a caller's, a savepoint as above.
    nested = transaction.atomic(savepoint=savepoint) if db.in_atomic_block else nullcontext()
    with nested:
        placed = rows.fetchone(
            sql,
            [
                debit,
                account_id,
                debit,
                *values,
                account_id,
                Kind.CHARGE,
                db.ops.adapt_decimalfield_value(-amount),
                reason_prefix,
                now,
            ],
        )
    if placed is None:
        raise AccountError(AccountErrorCode.NOT_ENOUGH_FUNDS)
    order.pk = placed[0]
    order._state.adding = False
    order._state.db = DEFAULT_DB_ALIAS


def charge_post(
    *, account_id: int, order_id: int, post: int, amount: Decimal, reason: str = ""
) -> Decimal | None:
    """Debit a served post of an unlimited subscription: all of `amount`, or the whole balance
    when it holds less (never below zero). At most once per post of an order (a database
    constraint): None when the post was charged already, else the amount taken (0 when the
    balance is empty, and then nothing is written).
    """
    # A savepoint: a second charge of the post fails its INSERT and must leave the caller's
    # transaction usable.
    try:
        with transaction.atomic():
            db = connections[DEFAULT_DB_ALIAS]
            # Locks the row first, so that the balance read is the one the move writes over.
            balance = from_db_text(rows.fetchone(_locked_balance(db.vendor), [account_id])[0])  # type: ignore[index]
            taken = min(quantize(amount), balance)
            if taken > 0:
                _move(
                    account_id=account_id,
                    amount=-taken,
                    kind=Kind.CHARGE,
                    reason=reason,
                    order_id=order_id,
                    post=post,
                    savepoint=False,
                    returning=False,
                )
    except IntegrityError:
        return None
    return max(taken, ZERO)


def refund(
    *,
    account_id: int,
    amount: Decimal,
    reason: str = "",
    order_id: int | None = None,
    product_order_id: int | None = None,
) -> LedgerEntry | None:
    """Credit back what an order did not deliver, at most once per order (a database constraint).

    Returns None when there is nothing to refund or the order was refunded already.
    """
    if quantize(amount) <= 0:
        return None
    try:
        return _move(
            account_id=account_id,
            amount=amount,
            kind=Kind.REFUND,
            reason=reason,
            order_id=order_id,
            product_order_id=product_order_id,
        )
    except IntegrityError:
        return None


def ledger_total(account: Account) -> Decimal:
    total = LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    # SQLite sums decimals in floating point (0.42342 comes back as 0.423419999999999).
    return quantize(total) if total is not None else ZERO


def audit() -> list[tuple[Account, Decimal]]:
    """Accounts whose balance differs from the sum of their ledger, with that sum."""
    sums = dict(
        LedgerEntry.objects.values_list("account_id").annotate(total=Sum("amount")).order_by()
    )
    mismatched = []
    for account in Account.objects.select_related("user").order_by("pk"):
        total = sums.get(account.pk) or ZERO
        if quantize(total) != quantize(account.balance):
            mismatched.append((account, total))
    return mismatched
