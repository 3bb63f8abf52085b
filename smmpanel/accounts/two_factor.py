"""A customer's two-factor log-in: a TOTP device (django-otp) confirmed with a code from the
authenticator app, and ten one-time recovery codes (a static device) for a lost phone.

Each change takes `acting_user` and records itself ("account.two_factor_*"); a wrong code raises
TwoFactorError and records nothing. Codes are checked outside the transaction, so that a device's
count of wrong codes (its throttle, which django-otp keeps on the device row) is not rolled back.
The recovery codes are never written to the audit log: only how many there are."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp import devices_for_user, match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmpanel.accounts.errors import TwoFactorError, TwoFactorErrorCode
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"
RECOVERY_CODES = 10


def is_on(user: AbstractBaseUser) -> bool:
    """Whether log-in asks this user for a code (a confirmed authenticator)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _state(user: AbstractBaseUser) -> dict:
    return {
        "two_factor": is_on(user),
        "waiting": TOTPDevice.objects.filter(user=user, confirmed=False).exists(),
        "recovery_codes": recovery_codes_left(user),
    }


def _lock(account: Account) -> AbstractBaseUser:
    # The account's row, locked: two changes of one customer's devices happen one at a time.
    Account.objects.select_for_update().filter(pk=account.pk).exists()
    return account.user


def start(*, account: Account, acting_user: Actor) -> TOTPDevice:
    """A new authenticator waiting for its first code (replacing one that waited); log-in does
    not ask for codes until `confirm`. Recorded as "account.two_factor_start".
    TwoFactorError(ALREADY_ON) when two-factor log-in is on."""
    with transaction.atomic():
        user = _lock(account)
        if is_on(user):
            raise TwoFactorError(TwoFactorErrorCode.ALREADY_ON)
        before = _state(user)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
        record(
            acting_user, "account.two_factor_start", obj=account, before=before, after=_state(user)
        )
    return device


def waiting_device(account: Account) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=account.user, confirmed=False).order_by("-pk").first()


def confirm(*, account: Account, token: str, acting_user: Actor) -> list[str]:
    """Turn two-factor log-in on with the first code of the waiting authenticator; returns the
    ten new recovery codes (shown once: only their count is kept readable). Recorded as
    "account.two_factor_on". TwoFactorError: NOT_STARTED, WRONG_CODE, ALREADY_ON."""
    device = waiting_device(account)
    if device is None:
        raise TwoFactorError(TwoFactorErrorCode.NOT_STARTED)
    if not device.verify_token(token.strip().replace(" ", "")):
        raise TwoFactorError(TwoFactorErrorCode.WRONG_CODE)
    with transaction.atomic():
        user = _lock(account)
        if is_on(user):
            raise TwoFactorError(TwoFactorErrorCode.ALREADY_ON)
        before = _state(user)
        if not TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True):
            raise TwoFactorError(TwoFactorErrorCode.NOT_STARTED)  # replaced meanwhile
        codes = _new_recovery_codes(user)
        record(acting_user, "account.two_factor_on", obj=account, before=before, after=_state(user))
    return codes


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(user: AbstractBaseUser, token: str) -> Device | None:
    """The device that accepts `token` (a recovery code is used up), else None. Each device
    counts its wrong codes and makes the next try wait longer (django-otp's throttling)."""
    token = token.strip().replace(" ", "")
    if not token or not is_on(user):
        return None
    return match_token(user, token)


def _check_code(account: Account, token: str) -> None:
    if not is_on(account.user):
        raise TwoFactorError(TwoFactorErrorCode.NOT_ON)
    if verify(account.user, token) is None:
        raise TwoFactorError(TwoFactorErrorCode.WRONG_CODE)


def new_recovery_codes(*, account: Account, token: str, acting_user: Actor) -> list[str]:
    """Replace the recovery codes (the old ones stop working), given a current code; recorded
    as "account.recovery_codes". TwoFactorError: NOT_ON, WRONG_CODE."""
    _check_code(account, token)
    with transaction.atomic():
        user = _lock(account)
        before = _state(user)
        codes = _new_recovery_codes(user)
        record(
            acting_user, "account.recovery_codes", obj=account, before=before, after=_state(user)
        )
    return codes


def turn_off(*, account: Account, token: str, acting_user: Actor) -> None:
    """Turn two-factor log-in off, given a current code (from the app or a recovery code):
    every device of the customer is removed. Recorded as "account.two_factor_off".
    TwoFactorError: NOT_ON, WRONG_CODE."""
    _check_code(account, token)
    with transaction.atomic():
        user = _lock(account)
        before = _state(user)
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        record(
            acting_user, "account.two_factor_off", obj=account, before=before, after=_state(user)
        )
