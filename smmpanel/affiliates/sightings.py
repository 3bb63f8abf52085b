"""Where each customer is seen from (address, device cookie), kept so that a sign-up through
their own referral link from the same address or browser can be told and refused."""

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import timezone

from smmpanel.accounts.models import Account
from smmpanel.affiliates.models import Sighting
from smmpanel.ratelimit import client_ip

DEVICE_COOKIE = "smmpanel_device"


def device_of(request: HttpRequest) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")[:32]


def note(*, account_id: int, ip: str | None, device: str) -> None:
    """Remember that the customer was seen now from `ip` and `device` (one row per pair)."""
    Sighting.objects.update_or_create(
        account_id=account_id,
        ip=(ip or "")[:64],
        device=device[:32],
        defaults={"seen_at": timezone.now()},
    )


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    account_id = Account.objects.filter(user=user).values_list("pk", flat=True).first()
    if account_id is not None:
        note(account_id=account_id, ip=client_ip(request), device=device_of(request))


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="affiliates.sightings")
