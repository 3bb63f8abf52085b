"""Enrolling staff in two-factor log-in: a TOTP device per staff user, confirmed by a token."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django_otp.plugins.otp_totp.models import TOTPDevice

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


def enrol(*, username: str) -> TOTPDevice:
    """A new, unconfirmed TOTP device for the staff user (replacing an unconfirmed one); log-in
    asks for tokens only once it is confirmed."""
    user = staff_user(username)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm(*, username: str, token: str) -> TOTPDevice:
    """Confirm the user's pending device with a token from the authenticator app."""
    user = staff_user(username)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise StaffError(f"{username} has no device waiting for confirmation")
    if not device.verify_token(token.strip()):
        raise StaffError("Wrong token: check the authenticator app and the clock")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def remove(*, username: str) -> int:
    """Remove all of the user's devices: log-in asks for the password alone again."""
    deleted, _ = TOTPDevice.objects.filter(user=staff_user(username)).delete()
    return deleted
