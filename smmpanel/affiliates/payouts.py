"""Paying out available commissions: to the affiliate's balance at once, or as a request staff
approve (paid outside the panel) or decline; and staff's percent per affiliate.

Each payout locks the affiliate's row, then takes the commissions available under that lock:
two payouts at once pay once (the second finds nothing left). A payout to the balance is one
ledger entry of kind commission, tied to the payout (a unique constraint).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.affiliates.errors import AffiliateError, AffiliateErrorCode
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Affiliate, Commission, Payout
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.configuration.current import current
from smmpanel.money import ZERO, quantize, shown

FIELDS = ("method", "status", "amount", "ledger_entry", "details", "note")


def available(affiliate_id: int) -> QuerySet[Commission]:
    """Commissions past their hold, in no payout yet."""
    return Commission.objects.filter(
        affiliate_id=affiliate_id,
        status=Commission.Status.PENDING,
        available_at__lte=timezone.now(),
        payout__isnull=True,
    )


def available_total(affiliate_id: int) -> Decimal:
    total = available(affiliate_id).aggregate(total=Sum("amount"))["total"]
    return quantize(total) if total is not None else ZERO


def _take(account_id: int) -> tuple[Affiliate, list[Commission], Decimal]:
    """Under the affiliate's lock: the commissions a payout takes and their total; refused
    below the least payout."""
    affiliate_for(account_id)
    affiliate = Affiliate.objects.select_for_update().get(pk=account_id)
    commissions = list(available(account_id).select_for_update())
    total = quantize(sum((commission.amount for commission in commissions), ZERO))
    if not commissions:
        raise AffiliateError(AffiliateErrorCode.NOTHING_AVAILABLE)
    minimum = current().affiliate_min_payout
    if total < minimum:
        raise AffiliateError(
            AffiliateErrorCode.BELOW_MINIMUM, min=shown(minimum), available=shown(total)
        )
    return affiliate, commissions, total


def pay_to_balance(*, account_id: int, acting_user: Actor) -> Payout:
    """Pay every available commission of the affiliate to their balance: one payout, one
    ledger entry, the commissions paid ("affiliate.payout"). AffiliateError, nothing written,
    when none is available or their total is below the least payout."""
    with transaction.atomic():
        affiliate, commissions, total = _take(account_id)
        entry = ledger.commission(
            account=Account(pk=account_id),
            amount=total,
            reason=f"Affiliate commissions ({len(commissions)})",
        )
        payout = Payout.objects.create(
            affiliate=affiliate,
            method=Payout.Method.BALANCE,
            status=Payout.Status.PAID,
            amount=total,
            ledger_entry=entry,
            decided_at=timezone.now(),
        )
        Commission.objects.filter(pk__in=[c.pk for c in commissions]).update(
            status=Commission.Status.PAID, payout=payout
        )
        record(acting_user, "affiliate.payout", obj=payout, after=snapshot(payout, FIELDS))
    return payout


def request_payout(*, account_id: int, details: str, acting_user: Actor) -> Payout:
    """Ask staff to pay every available commission outside the panel (`details`: where to);
    the commissions wait in the request ("affiliate.payout_request"). Refused as
    `pay_to_balance` is."""
    with transaction.atomic():
        affiliate, commissions, total = _take(account_id)
        payout = Payout.objects.create(
            affiliate=affiliate,
            method=Payout.Method.REQUEST,
            status=Payout.Status.REQUESTED,
            amount=total,
            details=details.strip()[:255],
        )
        Commission.objects.filter(pk__in=[c.pk for c in commissions]).update(payout=payout)
        record(acting_user, "affiliate.payout_request", obj=payout, after=snapshot(payout, FIELDS))
    return payout


def _decide(payout_id: int, status: str, note: str, acting_user: Actor, action: str) -> Payout:
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != Payout.Status.REQUESTED:
            raise AffiliateError(AffiliateErrorCode.ALREADY_DECIDED)
        before = snapshot(payout, FIELDS)
        payout.status = status
        payout.note = note.strip()[:255]
        payout.decided_at = timezone.now()
        payout.save(update_fields=["status", "note", "decided_at"])
        waiting = Commission.objects.filter(payout=payout, status=Commission.Status.PENDING)
        if status == Payout.Status.PAID:
            waiting.update(status=Commission.Status.PAID)
        else:
            waiting.update(payout=None)
        record(acting_user, action, obj=payout, before=before, after=snapshot(payout, FIELDS))
    return payout


def approve_payout(*, payout_id: int, acting_user: Actor, note: str = "") -> Payout:
    """Staff paid the request outside the panel: it and its commissions are paid
    ("affiliate.payout_approve"). AffiliateError(ALREADY_DECIDED) for a decided one."""
    return _decide(payout_id, Payout.Status.PAID, note, acting_user, "affiliate.payout_approve")


def decline_payout(*, payout_id: int, acting_user: Actor, note: str = "") -> Payout:
    """Staff decline the request: its commissions are available again
    ("affiliate.payout_decline"). AffiliateError(ALREADY_DECIDED) for a decided one."""
    return _decide(payout_id, Payout.Status.DECLINED, note, acting_user, "affiliate.payout_decline")


def set_percent(*, account_id: int, percent: Decimal | None, acting_user: Actor) -> Affiliate:
    """Staff's commission percent for one affiliate (None: the panel's), for deposits from now
    on ("affiliate.percent"); nothing when it does not change."""
    if percent is not None and not (percent.is_finite() and 0 <= percent <= 100):
        raise AffiliateError(AffiliateErrorCode.INVALID_PERCENT)
    if percent is not None:
        percent = percent.quantize(Decimal("0.01"))
    affiliate_for(account_id)
    with transaction.atomic():
        affiliate = Affiliate.objects.select_for_update().get(pk=account_id)
        before = snapshot(affiliate, ("percent",))
        affiliate.percent = percent
        if snapshot(affiliate, ("percent",)) == before:
            return affiliate
        affiliate.save(update_fields=["percent"])
        record(
            acting_user,
            "affiliate.percent",
            obj=affiliate,
            before=before,
            after=snapshot(affiliate, ("percent",)),
        )
    return affiliate
