"""The staff log-in at /admin/login/: TOTP for enrolled staff, throttled per address."""

import getpass
import itertools
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.staff import totp as staff_totp
from smmpanel.staff.totp import StaffError
from tests.conftest import run_cli

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-staff-password"
_addresses = (f"203.0.113.{n}" for n in itertools.count(1))


def _staff(username: str = "operator"):
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=True, is_superuser=True
    )


def _client() -> Client:
    return Client(REMOTE_ADDR=next(_addresses))


def _log_in(client: Client, username: str, token: str | None = None):
    data = {"username": username, "password": PASSWORD, "next": "/admin/"}
    if token is not None:
        data["otp_token"] = token
    return client.post("/admin/login/?next=/admin/", data)


def _token(device: TOTPDevice, drift: int = 0) -> str:
    """The device's current token (drift=1: the next one; a token is accepted once only)."""
    code = totp(device.bin_key, step=device.step, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"


def _wrong(device: TOTPDevice) -> str:
    tokens = {_token(device, drift) for drift in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in tokens)


def _enrolled(username: str) -> TOTPDevice:
    staff_totp.enrol(username=username, acting_user=Actor.system())
    device = TOTPDevice.objects.get(user__username=username)
    return staff_totp.confirm(username=username, token=_token(device), acting_user=Actor.system())


def test_staff_without_a_device_log_in_with_the_password():
    user = _staff()
    client = _client()
    response = _log_in(client, user.username)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_enrolled_staff_need_the_token():
    user = _staff()
    device = _enrolled(user.username)

    without = _client()
    response = _log_in(without, user.username)
    assert response.status_code == 200
    assert "Please enter your OTP token" in response.content.decode()
    assert without.get("/admin/").status_code == 302

    # The confirmation used the current token: the next one logs in.
    right = _client()
    assert _log_in(right, user.username, token=_token(device, drift=1)).status_code == 302
    assert right.get("/admin/").status_code == 200

    wrong = _client()
    assert _log_in(wrong, user.username, token=_wrong(device)).status_code == 200
    assert wrong.get("/admin/").status_code == 302


def test_a_session_from_before_the_enrolment_must_log_in_again():
    user = _staff()
    client = _client()
    _log_in(client, user.username)
    assert client.get("/admin/").status_code == 200
    _enrolled(user.username)
    assert client.get("/admin/").status_code == 302


def test_an_unconfirmed_device_does_not_lock_anyone_out():
    user = _staff()
    staff_totp.enrol(username=user.username, acting_user=Actor.system())
    client = _client()
    assert _log_in(client, user.username).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_confirmation_token_leaves_the_device_unconfirmed():
    user = _staff()
    device = staff_totp.enrol(username=user.username, acting_user=Actor.system())
    with pytest.raises(StaffError, match="Wrong token"):
        staff_totp.confirm(username=user.username, token=_wrong(device), acting_user=Actor.system())
    device.refresh_from_db()
    assert not device.confirmed


def test_customers_can_not_enrol():
    get_user_model().objects.create_user(username="customer", password=PASSWORD)
    with pytest.raises(StaffError, match="not a staff user"):
        staff_totp.enrol(username="customer", acting_user=Actor.system())


@override_settings(RATE_LIMIT_LOGIN="3/d", RATE_LIMIT_FLUSH_SECONDS=0)
def test_log_in_attempts_are_throttled_per_address():
    user = _staff()
    client = _client()
    data = {"username": user.username, "password": "wrong", "next": "/admin/"}
    codes = [client.post("/admin/login/", data).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Even the right password waits, from that address; another address is not affected.
    assert _log_in(client, user.username).status_code == 429
    assert _log_in(_client(), user.username).status_code == 302
    # Showing the page is not an attempt.
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_cli_enrols_confirms_and_removes_a_device(smmpanel_env):
    _staff("cli-operator")
    enrolled = run_cli(smmpanel_env, "staff", "totp", "cli-operator", "--json")
    assert enrolled.returncode == 0, enrolled.stderr
    uri = json.loads(enrolled.stdout)["otpauth_uri"]
    assert uri.startswith("otpauth://totp/")
    assert "secret=" in uri
    device = TOTPDevice.objects.get(user__username="cli-operator")
    assert not device.confirmed

    confirmed = run_cli(smmpanel_env, "staff", "totp", "cli-operator", "--confirm", _token(device))
    assert confirmed.returncode == 0, confirmed.stderr
    device.refresh_from_db()
    assert device.confirmed

    removed = run_cli(smmpanel_env, "staff", "totp", "cli-operator", "--remove")
    assert removed.returncode == 0
    assert not TOTPDevice.objects.filter(user__username="cli-operator").exists()

    missing = run_cli(smmpanel_env, "staff", "totp", "nobody")
    assert missing.returncode == 1
    assert "No such user: nobody" in missing.stderr
    audited = AuditEntry.objects.order_by("pk").values_list("actor_name", "action")
    assert [action for _, action in audited] == [
        "staff.totp_enrol",
        "staff.totp_confirm",
        "staff.totp_remove",
    ]
    assert {name for name, _ in audited} == {f"cli:{getpass.getuser()}"}


def test_the_staff_log_in_lands_in_the_back_office():
    user = _staff()
    client = _client()
    page = client.get("/admin/login/").content.decode()
    assert 'name="next" value="/backoffice/"' in page
    # The form as the browser sends it, with the page's hidden `next`.
    data = {"username": user.username, "password": PASSWORD, "next": "/backoffice/"}
    response = client.post("/admin/login/", data)
    assert response["Location"] == "/backoffice/"
    assert client.get("/backoffice/").status_code == 200
    # Logged in already, the log-in page sends staff on to the back-office too.
    assert client.get("/admin/login/")["Location"] == "/backoffice/"
    # A page that sent them to log in is where they come back to.
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"


@override_settings(RATE_LIMIT_LOGIN="3/d", RATE_LIMIT_FLUSH_SECONDS=0)
def test_only_failed_staff_log_ins_are_counted():
    user = _staff()
    client = _client()
    for _ in range(5):
        assert _log_in(client, user.username).status_code == 302
        client.post("/admin/logout/")


@override_settings(RATE_LIMIT_LOGIN_ACCOUNT="3/h")
def test_guessing_a_staff_password_from_many_addresses_does_not_lock_out_the_operator():
    user = _staff()
    operator = _client()
    assert _log_in(operator, user.username).status_code == 302
    operator.post("/admin/logout/")
    wrong = {"username": user.username, "password": "wrong", "next": "/backoffice/"}
    assert [_client().post("/admin/login/", wrong).status_code for _ in range(3)] == [200] * 3
    # A browser the account does not know is refused, even with the right password.
    stranger = _log_in(_client(), user.username)
    assert stranger.status_code == 429
    assert "Too many failed log-ins for this account" in stranger.content.decode()
    # The operator's own browser is let in.
    assert _log_in(operator, user.username).status_code == 302


def test_the_customers_log_in_page_does_not_skip_the_staff_token():
    user = _staff()
    device = _enrolled(user.username)
    client = _client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    # Logged in by password alone: the back-office asks for the token first.
    back_office = client.get("/backoffice/")
    assert back_office.status_code == 302
    assert back_office["Location"].startswith("/admin/login/")
    assert client.get("/backoffice/orders/").status_code == 302
    # With the token, the operator is let in.
    data = {"username": user.username, "password": PASSWORD, "next": "/backoffice/"}
    client.post("/admin/login/", {**data, "otp_token": _token(device, drift=1)})
    assert client.get("/backoffice/").status_code == 200
