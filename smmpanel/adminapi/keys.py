"""Staff API keys: shown once, stored as a SHA-256 hash (`accounts.keys.hash_key`), one per
staff user; the key acts as its user, with its user's role."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from smmpanel.accounts.keys import hash_key
from smmpanel.adminapi.errors import AdminApiError, AdminApiErrorCode
from smmpanel.adminapi.models import StaffApiKey
from smmpanel.audit.log import Actor, record

HINT_LENGTH = 6


def staff_user_named(username: str) -> AbstractUser:
    """The active staff user of that name; AdminApiError NOT_STAFF otherwise."""
    user = get_user_model().objects.filter(username=username, is_staff=True, is_active=True).first()
    if user is None:
        raise AdminApiError(AdminApiErrorCode.NOT_STAFF, username=username)
    return user  # type: ignore[return-value]


def issue_staff_key(*, user_id: int, acting_user: Actor) -> tuple[StaffApiKey, str]:
    """Give the staff user a new Admin API key, the old one refused from now on; return the
    stored key and the key itself, shown once (only its hash is kept; the audit entry, recorded
    as "staff.api_key", names its first characters). Locks the user's row.
    AdminApiError NOT_STAFF for a user who is not active staff."""
    key = secrets.token_hex(20)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user_id)
        if not (user.is_staff and user.is_active):
            raise AdminApiError(AdminApiErrorCode.NOT_STAFF, username=user.get_username())
        old = StaffApiKey.objects.filter(user=user).first()
        stored, _ = StaffApiKey.objects.update_or_create(
            user=user, defaults={"key_hash": hash_key(key), "hint": key[:HINT_LENGTH]}
        )
        record(
            acting_user,
            "staff.api_key",
            obj=user,
            before=None if old is None else {"api_key_hint": old.hint},
            after={"api_key_hint": stored.hint},
        )
    return stored, key


def authenticate_staff_key(key: str | None) -> AbstractUser:
    """The active staff user owning `key`; AdminApiError INVALID_KEY otherwise. Nothing is
    cached: a new key, a user made inactive or no longer staff counts at once."""
    if not key or len(key) > 200:
        raise AdminApiError(AdminApiErrorCode.INVALID_KEY)
    found = StaffApiKey.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if found is None or not (found.user.is_active and found.user.is_staff):
        raise AdminApiError(AdminApiErrorCode.INVALID_KEY)
    return found.user  # type: ignore[return-value]
