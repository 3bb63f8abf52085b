"""What the affiliate page and the back-office show: visits, sign-ups, conversions, money."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from smmpanel.affiliates.models import Affiliate, Commission, Payout, Referral
from smmpanel.money import ZERO, quantize

PENDING = Commission.Status.PENDING


@dataclass(frozen=True)
class Figures:
    visits: int
    signups: int
    conversions: int
    pending: Decimal
    available: Decimal
    requested: Decimal
    paid: Decimal


def _sum(rows: QuerySet, **where: object) -> Decimal:
    total = rows.filter(**where).aggregate(total=Sum("amount"))["total"]
    return quantize(total) if total is not None else ZERO


def figures_of(affiliate: Affiliate) -> Figures:
    now = timezone.now()
    tied = affiliate.referrals.filter(status=Referral.Status.TIED)
    commissions = affiliate.commissions.all()
    return Figures(
        visits=affiliate.visits.count(),
        signups=tied.count(),
        conversions=tied.filter(converted_at__isnull=False).count(),
        pending=_sum(commissions, status=PENDING, available_at__gt=now),
        available=_sum(commissions, status=PENDING, available_at__lte=now, payout__isnull=True),
        requested=_sum(commissions, status=PENDING, payout__status=Payout.Status.REQUESTED),
        paid=_sum(commissions, status=Commission.Status.PAID),
    )


def affiliates_with_figures() -> QuerySet[Affiliate]:
    """Every affiliate who brought a visit or a sign-up, busiest first, with its counts."""
    tied = Q(referrals__status=Referral.Status.TIED)
    return (
        Affiliate.objects.select_related("account__user")
        .annotate(
            visit_count=Count("visits", distinct=True),
            signup_count=Count("referrals", filter=tied, distinct=True),
            conversion_count=Count(
                "referrals", filter=tied & Q(referrals__converted_at__isnull=False), distinct=True
            ),
        )
        .filter(Q(visit_count__gt=0) | Q(signup_count__gt=0) | Q(percent__isnull=False))
        .order_by("-signup_count", "-visit_count", "pk")
    )


def earned_by(affiliate_ids: list[int]) -> dict[int, Decimal]:
    """Commissions not canceled, per affiliate."""
    rows = (
        Commission.objects.filter(affiliate_id__in=affiliate_ids)
        .exclude(status=Commission.Status.CANCELED)
        .values_list("affiliate_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {affiliate_id: quantize(total) for affiliate_id, total in rows}
