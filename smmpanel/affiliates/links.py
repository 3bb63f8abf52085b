"""Referral links: each customer's code, made once, and the visits it brings."""

from django.db import IntegrityError, transaction
from django.utils.crypto import get_random_string

from smmpanel.accounts.models import Account
from smmpanel.affiliates.models import Affiliate, Visit

# No 0/O or 1/I: a code read aloud or copied by hand stays right.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def affiliate_for(account: Account | int) -> Affiliate:
    """The customer's affiliate record with its code, made the first time it is asked for; the
    code never changes (a unique constraint: a taken code is drawn again)."""
    account_id = account if isinstance(account, int) else account.pk
    found = Affiliate.objects.filter(pk=account_id).first()
    while found is None:
        try:
            with transaction.atomic():
                return Affiliate.objects.create(
                    account_id=account_id, code=get_random_string(CODE_LENGTH, ALPHABET)
                )
        except IntegrityError:
            # Made meanwhile by another request, or the code was taken: read, else draw again.
            found = Affiliate.objects.filter(pk=account_id).first()
    return found


def record_visit(*, code: str, ip: str | None, device: str, visitor_id: int | None) -> Visit | None:
    """Count an opening of the link `code`; None for an unknown code, and for the affiliate
    opening their own link (not a visit)."""
    affiliate = Affiliate.objects.filter(code=code.upper()).first()
    if affiliate is None or affiliate.account_id == visitor_id:
        return None
    return Visit.objects.create(affiliate=affiliate, ip=(ip or "")[:64], device=device[:32])
