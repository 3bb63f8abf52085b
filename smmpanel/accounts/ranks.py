"""Customer ranks: the operator defines them (a name, the spending that reaches it, a discount);
each customer holds the highest rank their spending reached, and its discount counts when it is
larger than their own (`Account.discount`).

Spending is what the customer's orders cost: charges less refunds, from the ledger. The worker
assigns ranks hourly (`assign_ranks`); a rank's change of discount reaches its customers at once,
in the same transaction.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum

from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account, LedgerEntry, Rank
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.money import ZERO, quantize

FIELDS = ("name", "min_spent", "discount")
CENT = Decimal("0.01")


def _checked(name: str, min_spent: Decimal, discount: Decimal) -> tuple[str, Decimal, Decimal]:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise AccountError(AccountErrorCode.INVALID_RANK_NAME)
    if not min_spent.is_finite() or min_spent < 0:
        raise AccountError(AccountErrorCode.INVALID_MIN_SPENT)
    if not discount.is_finite() or not 0 <= discount < 100 or discount != round(discount, 2):
        raise AccountError(AccountErrorCode.INVALID_DISCOUNT)
    return name, quantize(min_spent), discount.quantize(CENT)


def _save(rank: Rank) -> None:
    try:
        with transaction.atomic():
            rank.save()
    except IntegrityError:
        raise AccountError(AccountErrorCode.RANK_NAME_TAKEN) from None


def create_rank(*, acting_user: Actor, name: str, min_spent: Decimal, discount: Decimal) -> Rank:
    """A new rank, recorded as "rank.create"; customers reach it at the next assignment."""
    name, min_spent, discount = _checked(name, min_spent, discount)
    with transaction.atomic():
        rank = Rank(name=name, min_spent=min_spent, discount=discount)
        _save(rank)
        record(acting_user, "rank.create", obj=rank, after=snapshot(rank, FIELDS))
    return rank


def edit_rank(
    *, acting_user: Actor, rank_id: int, name: str, min_spent: Decimal, discount: Decimal
) -> Rank:
    """Change a rank, recorded as "rank.edit" (before → after); its customers' discount follows
    in the same transaction. Nothing is written when nothing changes."""
    name, min_spent, discount = _checked(name, min_spent, discount)
    with transaction.atomic():
        rank = Rank.objects.select_for_update().get(pk=rank_id)
        before = snapshot(rank, FIELDS)
        rank.name, rank.min_spent, rank.discount = name, min_spent, discount
        after = snapshot(rank, FIELDS)
        if after == before:
            return rank
        _save(rank)
        Account.objects.filter(rank=rank).update(rank_discount=discount)
        record(acting_user, "rank.edit", obj=rank, before=before, after=after)
    return rank


def delete_rank(*, acting_user: Actor, rank_id: int) -> None:
    """Remove a rank, recorded as "rank.delete"; its customers lose it (and its discount) now and
    reach the next lower rank at the next assignment."""
    with transaction.atomic():
        rank = Rank.objects.select_for_update().filter(pk=rank_id).first()
        if rank is None:
            return
        before = snapshot(rank, FIELDS)
        Account.objects.filter(rank=rank).update(rank=None, rank_discount=ZERO)
        record(acting_user, "rank.delete", obj=rank, before=before)
        rank.delete()


def spent_by_account() -> dict[int, Decimal]:
    """What each customer's orders cost: charges less refunds (positive), by account id."""
    totals = (
        LedgerEntry.objects.filter(kind__in=[LedgerEntry.Kind.CHARGE, LedgerEntry.Kind.REFUND])
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values_list("account_id", "total")
    )
    return {account_id: -total for account_id, total in totals if total}


def rank_for(spent: Decimal, ranks: list[Rank]) -> Rank | None:
    """The highest rank `spent` reaches (`ranks` ordered by min_spent)."""
    reached = [rank for rank in ranks if spent >= rank.min_spent]
    return reached[-1] if reached else None


def assign_ranks(now: object = None) -> int:
    """Give every customer the rank their spending reached (the worker's hourly routine); each
    change is recorded as "account.rank" by the system. How many customers changed rank."""
    ranks = list(Rank.objects.order_by("min_spent", "id"))
    spent = spent_by_account()
    changed = 0
    for account_id, rank_id in Account.objects.values_list("pk", "rank_id"):
        rank = rank_for(spent.get(account_id, ZERO), ranks)
        if (rank.pk if rank else None) == rank_id:
            continue
        with transaction.atomic():
            account = Account.objects.select_for_update().get(pk=account_id)
            before = {"rank": account.rank_id, "rank_discount": account.rank_discount}
            account.rank = rank
            account.rank_discount = rank.discount if rank else ZERO
            account.save(update_fields=["rank", "rank_discount"])
            after = {"rank": account.rank_id, "rank_discount": account.rank_discount}
            record(Actor.system(), "account.rank", obj=account, before=before, after=after)
        changed += 1
    return changed
