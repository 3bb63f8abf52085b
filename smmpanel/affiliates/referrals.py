"""Tying a new customer to the affiliate whose link brought them: once, forever.

A sign-up within the window (`affiliate_cookie_days`) after a visit of a referral link makes one
`Referral` for the new customer (a unique constraint), tied, or refused with its reason when it
looks like the affiliate referring themselves:
- the same customer (the affiliate's own account);
- the same address: the sign-up's IP or the visit's IP is one the affiliate was seen from
  (logged in, or opened their affiliate page) within the window;
- the same device: the sign-up's or the visit's device cookie is one the affiliate was seen with
  within the window.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.affiliates.models import Referral, Sighting, Visit
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.configuration.current import current

FIELDS = ("affiliate", "referred", "visit", "status", "refusal", "ip", "device")
Refusal = Referral.Refusal


def _refusal(visit: Visit, referred_id: int, ip: str, device: str, since) -> str:  # type: ignore[no-untyped-def]
    affiliate_id = visit.affiliate.account_id
    if affiliate_id == referred_id:
        return Refusal.SAME_CUSTOMER
    seen = Sighting.objects.filter(account_id=affiliate_id, seen_at__gte=since)
    addresses = {address for address in (ip, visit.ip) if address}
    if addresses and seen.filter(ip__in=addresses).exists():
        return Refusal.SAME_ADDRESS
    devices = {value for value in (device, visit.device) if value}
    if devices and seen.filter(device__in=devices).exists():
        return Refusal.SAME_DEVICE
    return ""


def tie_referral(
    *, referred_id: int, visit_id: int, ip: str, device: str, acting_user: Actor
) -> Referral | None:
    """Tie the new customer `referred_id` to the affiliate of the visit `visit_id`, or record the
    referral refused with its reason ("affiliate.referral"). None when the visit is unknown or
    older than the window. A customer already referred keeps their referral: nothing changes."""
    now = timezone.now()
    since = now - timedelta(days=current().affiliate_cookie_days)
    visit = Visit.objects.select_related("affiliate").filter(pk=visit_id).first()
    if visit is None or visit.created_at < since:
        return None
    existing = Referral.objects.filter(referred_id=referred_id).first()
    if existing is not None:
        return existing
    refusal = _refusal(visit, referred_id, ip, device, since)
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                affiliate=visit.affiliate,
                referred_id=referred_id,
                visit=visit,
                status=Referral.Status.REFUSED if refusal else Referral.Status.TIED,
                refusal=refusal,
                ip=ip[:64],
                device=device[:32],
            )
            record(
                acting_user, "affiliate.referral", obj=referral, after=snapshot(referral, FIELDS)
            )
    except IntegrityError:
        # Decided meanwhile by a concurrent sign-up request: that one stands.
        return Referral.objects.get(referred_id=referred_id)
    return referral
