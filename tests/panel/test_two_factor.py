"""Customer two-factor log-in: enrol (QR code, a code confirms, ten recovery codes shown once),
log-in then needs a code, a recovery code works once, turning it off needs a current code; each
change recorded in the audit log."""

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmpanel.accounts import two_factor
from smmpanel.accounts.errors import TwoFactorError, TwoFactorErrorCode
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def no_wait_after_a_wrong_code(settings, request):
    """django-otp makes the next try wait after a wrong code (1 s, then 2 s, …): off here, but
    in the test of that wait."""
    if "throttle" not in request.node.name:
        settings.OTP_TOTP_THROTTLE_FACTOR = 0
        settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, step: int = 0) -> str:
    """The app's code `step` periods from now (the device accepts one period either side, each
    period once). Made clear of the end of a period: a code of the previous period made in the
    last moment of this one would be two periods old when the request checks it (seen in CI)."""
    device.refresh_from_db()
    left = device.step - (time.time() - device.t0) % device.step
    if left < 2:
        time.sleep(left)
    number = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=step)
    return f"{number:0{device.digits}d}"


def log_in(client: Client):
    return client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})


def enrol(browser: Client) -> tuple[TOTPDevice, list[str]]:
    browser.post("/accounts/two-factor/", {"action": "start"})
    device = TOTPDevice.objects.get()
    response = browser.post(
        "/accounts/two-factor/", {"action": "confirm", "code": code(device, -1)}
    )
    assert response.status_code == 200
    codes = response.context["codes"]
    return device, codes


def test_enrol_shows_a_qr_code_and_the_recovery_codes_once(browser, customer):
    assert "Set up two-factor log-in" in browser.get("/accounts/two-factor/").content.decode()
    browser.post("/accounts/two-factor/", {"action": "start"})
    page = browser.get("/accounts/two-factor/").content.decode()
    assert "<svg" in page and 'data-testid="totp-secret"' in page
    device = TOTPDevice.objects.get(user=customer.user)
    assert not device.confirmed and not two_factor.is_on(customer.user)

    wrong = browser.post("/accounts/two-factor/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and "Wrong code" in wrong.content.decode()
    assert not two_factor.is_on(customer.user)

    response = browser.post("/accounts/two-factor/", {"action": "confirm", "code": code(device)})
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    page = response.content.decode()
    assert all(f"<code>{item}</code>" in page for item in codes)
    assert two_factor.is_on(customer.user)
    # Shown once: the page shows how many are left, never the codes again.
    again = browser.get("/accounts/two-factor/").content.decode()
    assert codes[0] not in again and "10 recovery codes left." in again


def test_log_in_needs_a_code_and_a_recovery_code_works_once(browser, customer):
    device, codes = enrol(browser)

    client = Client()
    response = log_in(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/code/"
    assert client.get("/orders/").status_code == 302  # not logged in yet
    wrong = client.post("/accounts/login/code/", {"code": "123456"})
    assert wrong.status_code == 400 and "Wrong code" in wrong.content.decode()
    assert client.get("/orders/").status_code == 302

    client = Client()
    log_in(client)
    response = client.post("/accounts/login/code/", {"code": codes[0]})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/orders/").status_code == 200
    assert StaticToken.objects.filter(token=codes[0]).count() == 0  # used up

    client = Client()
    log_in(client)
    again = client.post("/accounts/login/code/", {"code": codes[0]})
    assert again.status_code == 400
    assert client.get("/orders/").status_code == 302

    client = Client()
    log_in(client)
    response = client.post("/accounts/login/code/", {"code": code(device, 0)})
    assert response.status_code == 302
    assert client.get("/orders/").status_code == 200


def test_a_right_code_just_after_a_wrong_one_waits_its_throttle(browser, customer):
    device, codes = enrol(browser)
    client = Client()
    log_in(client)
    client.post("/accounts/login/code/", {"code": "000000"})
    refused = client.post("/accounts/login/code/", {"code": code(device, 0)})
    assert refused.status_code == 400
    assert client.get("/orders/").status_code == 302


def test_the_code_step_needs_the_password_first(browser, customer):
    enrol(browser)
    response = Client().get("/accounts/login/code/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_a_wrong_password_is_still_refused_before_any_code(browser, customer):
    enrol(browser)
    response = Client().post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200 and "/accounts/login/code/" not in response.get(
        "Location", ""
    )


def test_turning_off_needs_a_current_code(browser, customer):
    device, codes = enrol(browser)
    refused = browser.post("/accounts/two-factor/", {"action": "off", "code": "111111"})
    assert refused.status_code == 400 and two_factor.is_on(customer.user)
    browser.post("/accounts/two-factor/", {"action": "off", "code": code(device, 0)})
    assert not two_factor.is_on(customer.user)
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    response = log_in(Client())
    assert response.status_code == 302 and response["Location"] == "/"


def test_new_recovery_codes_replace_the_old(browser, customer):
    device, codes = enrol(browser)
    response = browser.post("/accounts/two-factor/", {"action": "codes", "code": codes[1]})
    fresh = response.context["codes"]
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    assert two_factor.verify(customer.user, codes[2]) is None
    assert two_factor.verify(customer.user, fresh[0]) is not None


# --- the actions, called directly: each records itself ----------------------------------------


def test_each_action_records_itself_and_never_the_codes(customer):
    actor = Actor.of_user(customer.user)
    device = two_factor.start(account=customer, acting_user=actor)
    codes = two_factor.confirm(account=customer, token=code(device, -1), acting_user=actor)
    two_factor.new_recovery_codes(account=customer, token=codes[0], acting_user=actor)
    two_factor.turn_off(account=customer, token=code(device, 0), acting_user=actor)
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "before", "after"))
    assert [action for action, _b, _a in entries] == [
        "account.two_factor_start",
        "account.two_factor_on",
        "account.recovery_codes",
        "account.two_factor_off",
    ]
    on = entries[1]
    assert on[1]["two_factor"] is False and on[2] == {
        "two_factor": True,
        "waiting": False,
        "recovery_codes": 10,
    }
    assert entries[3][2]["two_factor"] is False
    logged = str(list(AuditEntry.objects.values_list("before", "after", "summary")))
    assert not any(item in logged for item in codes)


def test_refusals_write_nothing(customer):
    actor = Actor.of_user(customer.user)
    with pytest.raises(TwoFactorError) as refused:
        two_factor.confirm(account=customer, token="123456", acting_user=actor)
    assert refused.value.code == TwoFactorErrorCode.NOT_STARTED
    with pytest.raises(TwoFactorError) as refused:
        two_factor.turn_off(account=customer, token="123456", acting_user=actor)
    assert refused.value.code == TwoFactorErrorCode.NOT_ON
    device = two_factor.start(account=customer, acting_user=actor)
    with pytest.raises(TwoFactorError) as refused:
        two_factor.confirm(account=customer, token="000000", acting_user=actor)
    assert refused.value.code == TwoFactorErrorCode.WRONG_CODE
    two_factor.confirm(account=customer, token=code(device, -1), acting_user=actor)
    with pytest.raises(TwoFactorError) as refused:
        two_factor.start(account=customer, acting_user=actor)
    assert refused.value.code == TwoFactorErrorCode.ALREADY_ON
    assert AuditEntry.objects.count() == 2  # start and on
