"""The browser's side of referrals: the referral cookie (which visit brought this browser,
signed) and the device cookie (a random id that tells one browser from another)."""

import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from smmpanel.affiliates.sightings import DEVICE_COOKIE, device_of
from smmpanel.configuration.current import current

REF_COOKIE = "smmpanel_ref"
REF_SALT = "smmpanel.affiliates.visit"
DEVICE_MAX_AGE = 2 * 365 * 24 * 3600


def _max_age() -> int:
    return current().affiliate_cookie_days * 24 * 3600


def remember_visit(response: HttpResponse, visit_id: int) -> None:
    response.set_signed_cookie(
        REF_COOKIE,
        str(visit_id),
        salt=REF_SALT,
        max_age=_max_age(),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def visit_id_of(request: HttpRequest) -> int | None:
    """The visit this browser came from, when its cookie is genuine and within the window."""
    value = request.get_signed_cookie(REF_COOKIE, default=None, salt=REF_SALT, max_age=_max_age())
    return int(value) if value and value.isdigit() else None


def forget_visit(response: HttpResponse) -> None:
    response.delete_cookie(REF_COOKIE, samesite="Lax")


def ensure_device(request: HttpRequest, response: HttpResponse) -> str:
    """This browser's device id, given to it now when it has none."""
    device = device_of(request)
    if not device:
        device = secrets.token_urlsafe(16)
        response.set_cookie(
            DEVICE_COOKIE,
            device,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return device
