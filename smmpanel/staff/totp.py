"""Enrolling staff in two-factor log-in: a TOTP device per staff user, confirmed by a token.
Each change of a user's devices takes the `acting_user` and records itself."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmpanel.audit.log import Actor, record

DEVICE_NAME = "default"


class StaffError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def staff_user(username: str) -> AbstractBaseUser:
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise StaffError(f"No such user: {username}") from None
    if not getattr(user, "is_staff", False):
        raise StaffError(f"{username} is not a staff user")
    return user


def _devices(user: AbstractBaseUser) -> dict[str, int]:
    """The user's devices as the audit log shows them: how many log-in asks for, how many wait."""
    devices = TOTPDevice.objects.filter(user=user)
    return {
        "confirmed_devices": devices.filter(confirmed=True).count(),
        "unconfirmed_devices": devices.filter(confirmed=False).count(),
    }


def _locked_staff_user(username: str) -> AbstractBaseUser:
    # The user's row, locked: two changes of one user's devices happen one after the other.
    user = staff_user(username)
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    return user


def enrol(*, username: str, acting_user: Actor) -> TOTPDevice:
    """A new, unconfirmed TOTP device for the staff user (replacing an unconfirmed one); log-in
    asks for tokens only once it is confirmed. Recorded as "staff.totp_enrol"."""
    with transaction.atomic():
        user = _locked_staff_user(username)
        before = _devices(user)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        record(acting_user, "staff.totp_enrol", obj=user, before=before, after=_devices(user))
    return device


def confirm(*, username: str, token: str, acting_user: Actor) -> TOTPDevice:
    """Confirm the user's pending device with a token from the authenticator app; recorded as
    "staff.totp_confirm". A wrong token raises StaffError and records nothing."""
    user = staff_user(username)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise StaffError(f"{username} has no device waiting for confirmation")
    # Outside the transaction: the device's count of wrong tokens (its throttle) must stay.
    if not device.verify_token(token.strip()):
        raise StaffError("Wrong token: check the authenticator app and the clock")
    with transaction.atomic():
        user = _locked_staff_user(username)
        before = _devices(user)
        if not TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True):
            return device  # confirmed meanwhile: nothing changes
        device.confirmed = True
        record(acting_user, "staff.totp_confirm", obj=user, before=before, after=_devices(user))
    return device


def remove(*, username: str, acting_user: Actor) -> int:
    """Remove all of the user's devices: log-in asks for the password alone again. Recorded as
    "staff.totp_remove"; nothing when there was none."""
    with transaction.atomic():
        user = _locked_staff_user(username)
        before = _devices(user)
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        if deleted:
            record(acting_user, "staff.totp_remove", obj=user, before=before, after=_devices(user))
    return deleted
