"""Commissions: an affiliate's share of each deposit of a customer they referred.

`earn_commission` runs inside the transaction that credits a deposit (a gateway's or an
operator's approval of a payment, an operator's manual deposit), so the deposit and its
commission commit together; one commission per deposit's ledger entry is a unique constraint.
Only the deposit earns: a payment's tier bonus and coupon are separate ledger entries of kind
bonus and never pass here. A commission is pending for `affiliate_hold_days` (the chargeback
window) and available from then on, by date (no job needs to run).
"""

from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.accounts.models import LedgerEntry
from smmpanel.affiliates.models import Commission, Payout, Referral
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.configuration.current import current
from smmpanel.money import QUANTUM

FIELDS = ("status", "amount", "payout", "note")


def percent_for(referral: Referral) -> Decimal:
    """The affiliate's own percent when staff set one, else the panel's."""
    override = referral.affiliate.percent
    return override if override is not None else current().affiliate_percent


def earn_commission(entry: LedgerEntry) -> Commission | None:
    """Inside the deposit's transaction: the commission on the deposit `entry` for the affiliate
    who referred its customer (tied referrals only), and the referral's conversion on the first
    deposit. Rounded down to the money scale; None when no one earns (no referral, a refused
    one, a zero percent) or the deposit earned already."""
    if entry.kind != LedgerEntry.Kind.DEPOSIT or entry.amount <= 0:
        return None
    referral = (
        Referral.objects.select_related("affiliate")
        .filter(referred_id=entry.account_id, status=Referral.Status.TIED)
        .first()
    )
    if referral is None:
        return None
    now = timezone.now()
    if referral.converted_at is None:
        Referral.objects.filter(pk=referral.pk, converted_at__isnull=True).update(converted_at=now)
    percent = percent_for(referral)
    amount = (entry.amount * percent / 100).quantize(QUANTUM, rounding=ROUND_FLOOR)
    if amount <= 0:
        return None
    try:
        with transaction.atomic():
            return Commission.objects.create(
                affiliate=referral.affiliate,
                referral=referral,
                deposit_entry=entry,
                base=entry.amount,
                percent=percent,
                amount=amount,
                available_at=now + timedelta(days=current().affiliate_hold_days),
            )
    except IntegrityError:
        return None


def cancel_commission(
    *, deposit_entry_id: int, reason: str, acting_user: Actor
) -> Commission | None:
    """The deposit `deposit_entry_id` was taken back (a refund or chargeback at the gateway):
    its commission is canceled unless it was paid ("affiliate.commission_cancel"). One waiting
    in a payout request leaves the request (which is declined when nothing is left in it). A
    paid one is left as it is, noted, for staff to settle with the affiliate. None when the
    deposit earned no commission; nothing changes for one canceled already."""
    with transaction.atomic():
        commission = (
            Commission.objects.select_for_update().filter(deposit_entry_id=deposit_entry_id).first()
        )
        if commission is None or commission.status == Commission.Status.CANCELED:
            return commission
        before = snapshot(commission, FIELDS)
        if commission.status == Commission.Status.PAID:
            commission.note = f"Deposit reversed after payout: {reason}"[:255]
            commission.save(update_fields=["note"])
            record(
                acting_user,
                "affiliate.commission_reversed_after_payout",
                obj=commission,
                before=before,
                after=snapshot(commission, FIELDS),
            )
            return commission
        if commission.payout_id is not None:
            _leave_request(commission, commission.payout_id)
        commission.status = Commission.Status.CANCELED
        commission.payout = None
        commission.note = reason[:255]
        commission.save(update_fields=["status", "payout", "note"])
        record(
            acting_user,
            "affiliate.commission_cancel",
            obj=commission,
            before=before,
            after=snapshot(commission, FIELDS),
        )
    return commission


def _leave_request(commission: Commission, payout_id: int) -> None:
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    payout.amount -= commission.amount
    if payout.amount <= 0:
        payout.amount = commission.amount  # the row keeps what was asked (amount > 0)
        payout.status = Payout.Status.DECLINED
        payout.decided_at = timezone.now()
        payout.note = "Its commissions were canceled"
    payout.save(update_fields=["amount", "status", "decided_at", "note"])
