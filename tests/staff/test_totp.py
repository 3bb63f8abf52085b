"""Two-factor log-in devices, changed directly: each change records itself, and a wrong token
or a removal of nothing records nothing."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.staff import totp as staff_totp
from smmpanel.staff.totp import StaffError

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Actor:
    user = get_user_model().objects.create_user("olga", is_staff=True, is_superuser=True)
    return Actor(user=user, name="olga")


def _token(device: TOTPDevice, drift: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"


def entries() -> list[tuple]:
    return list(AuditEntry.objects.order_by("pk").values_list("actor_name", "action", "after"))


def test_enrol_confirm_and_remove_each_record_the_devices(operator):
    device = staff_totp.enrol(username="olga", acting_user=operator)
    staff_totp.confirm(username="olga", token=_token(device), acting_user=operator)
    assert staff_totp.remove(username="olga", acting_user=operator) == 1
    assert entries() == [
        ("olga", "staff.totp_enrol", {"confirmed_devices": 0, "unconfirmed_devices": 1}),
        ("olga", "staff.totp_confirm", {"confirmed_devices": 1, "unconfirmed_devices": 0}),
        ("olga", "staff.totp_remove", {"confirmed_devices": 0, "unconfirmed_devices": 0}),
    ]
    assert AuditEntry.objects.filter(before__confirmed_devices=1).count() == 1


def test_a_wrong_token_or_nothing_to_remove_records_nothing(operator):
    assert staff_totp.remove(username="olga", acting_user=operator) == 0
    device = staff_totp.enrol(username="olga", acting_user=operator)
    tokens = {_token(device, drift) for drift in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in tokens)
    with pytest.raises(StaffError):
        staff_totp.confirm(username="olga", token=wrong, acting_user=operator)
    device.refresh_from_db()
    assert not device.confirmed
    # The wrong token still counts against the device (its throttle is not rolled back).
    assert device.throttling_failure_count == 1
    assert [action for _, action, _ in entries()] == ["staff.totp_enrol"]
