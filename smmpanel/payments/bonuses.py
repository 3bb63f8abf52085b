"""Deposit bonuses: tiers such as +5 % from 100 and +10 % from 500, for one method or all. The
highest tier a credited deposit reaches gives its percent as a ledger bonus entry tied to the
payment (Payment.bonus_entry: one per payment)."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.money import MAX_AMOUNT, quantize
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.models import DepositBonus, Payment

FIELDS = ("method", "min_amount", "percent", "active")


def save_bonus(
    *,
    bonus_id: int | None,
    min_amount: Decimal,
    percent: Decimal,
    acting_user: Actor,
    method_id: int | None = None,
    active: bool = True,
) -> DepositBonus:
    """Create or change a tier ("bonus.create"/".edit", before → after; nothing when nothing
    changes). PaymentError(INVALID_BONUS), nothing written, for a tier that makes no sense."""
    if not (min_amount.is_finite() and 0 < min_amount < MAX_AMOUNT):
        raise PaymentError(PaymentErrorCode.INVALID_BONUS)
    if not (percent.is_finite() and 0 < percent <= 100):
        raise PaymentError(PaymentErrorCode.INVALID_BONUS)
    values = {
        "method_id": method_id,
        "min_amount": quantize(min_amount),
        "percent": percent,
        "active": active,
    }
    with transaction.atomic():
        if bonus_id is None:
            bonus = DepositBonus.objects.create(**values)
            record(acting_user, "bonus.create", obj=bonus, after=snapshot(bonus, FIELDS))
            return bonus
        bonus = DepositBonus.objects.select_for_update().get(pk=bonus_id)
        before = snapshot(bonus, FIELDS)
        for name, value in values.items():
            setattr(bonus, name, value)
        if snapshot(bonus, FIELDS) == before:
            return bonus
        bonus.save()
        record(acting_user, "bonus.edit", obj=bonus, before=before, after=snapshot(bonus, FIELDS))
    return bonus


def delete_bonus(*, bonus_id: int, acting_user: Actor) -> None:
    """Remove a tier ("bonus.delete"); bonuses already given stay in the ledger."""
    with transaction.atomic():
        bonus = DepositBonus.objects.select_for_update().filter(pk=bonus_id).first()
        if bonus is None:
            return
        record(acting_user, "bonus.delete", obj=bonus, before=snapshot(bonus, FIELDS))
        bonus.delete()


def tier_for(payment: Payment) -> DepositBonus | None:
    """The highest active tier the payment reaches, of its method or of every method."""
    return (
        DepositBonus.objects.filter(active=True, min_amount__lte=payment.amount)
        .filter(Q(method__isnull=True) | Q(method_id=payment.method_id))
        .order_by("-percent", "-min_amount")
        .first()
    )


def give_bonus(payment: Payment) -> Decimal:
    """Inside the credit of `payment`: its tier's bonus, once (the payment's bonus_entry)."""
    if payment.bonus_entry_id is not None:
        return Decimal(0)
    tier = tier_for(payment)
    if tier is None:
        return Decimal(0)
    amount = quantize(payment.amount * tier.percent / 100)
    if amount <= 0:
        return Decimal(0)
    payment.bonus_entry = ledger.bonus(
        account=Account(pk=payment.account_id),
        amount=amount,
        reason=f"Deposit bonus +{tier.percent.normalize()}% on payment {payment.pk}",
    )
    return amount
