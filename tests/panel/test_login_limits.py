"""The customers' log-in counts failed log-ins, not attempts: wrong passwords sent from anywhere
do not keep the owner out, and guessing spread over many addresses is still stopped."""

import itertools

from django.core import mail
from django.test import Client

from smmpanel.accounts.login_limits import DEVICE_COOKIE

RIGHT = "correct horse battery"
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def _client() -> Client:
    return Client(REMOTE_ADDR=next(_addresses))


def _log_in(client: Client, password: str, username: str = "alice") -> int:
    response = client.post("/accounts/login/", {"username": username, "password": password})
    if response.status_code == 302:
        client.post("/accounts/logout/")
    return response.status_code


def test_wrong_passwords_from_another_address_do_not_lock_the_owner_out(customer):
    attacker = _client()
    assert [_log_in(attacker, "wrong") for _ in range(11)] == [200] * 10 + [429]
    # The attacker's address is stopped for this name, even with the right password...
    assert _log_in(attacker, RIGHT) == 429
    # ...and the owner, elsewhere, logs in.
    assert _log_in(_client(), RIGHT) == 302


def test_a_correct_password_counts_no_failure(customer):
    owner = _client()
    # More log-ins than the limit of 10 per name and address: none of them failed.
    assert [_log_in(owner, RIGHT) for _ in range(12)] == [302] * 12
    assert [_log_in(owner, "wrong") for _ in range(9)] == [200] * 9
    assert _log_in(owner, RIGHT) == 302


def test_guessing_from_many_addresses_locks_unknown_browsers_but_not_the_owners(customer, settings):
    settings.RATE_LIMIT_LOGIN_ACCOUNT = "5/h"
    owner = _client()
    assert _log_in(owner, RIGHT) == 302
    assert DEVICE_COOKIE in owner.cookies
    # Five addresses, one guess each: the account is now closed to browsers it does not know.
    assert [_log_in(_client(), f"guess {n}") for n in range(5)] == [200] * 5
    stranger = _client()
    response = stranger.post("/accounts/login/", {"username": "alice", "password": RIGHT})
    assert response.status_code == 429
    assert "Too many failed log-ins for this account" in response.content.decode()
    assert "_auth_user_id" not in stranger.session
    in_indonesian = _client().post(
        "/accounts/login/", {"username": "alice", "password": RIGHT}, HTTP_ACCEPT_LANGUAGE="id"
    )
    assert "Terlalu banyak log masuk yang gagal" in in_indonesian.content.decode()
    # The owner's browser, even from a new address, logs in with the right password.
    owner.defaults["REMOTE_ADDR"] = next(_addresses)
    assert _log_in(owner, RIGHT) == 302
    # A cookie signed by someone else is no key.
    forger = _client()
    forger.cookies[DEVICE_COOKIE] = owner.cookies[DEVICE_COOKIE].value[:-2] + "xx"
    assert _log_in(forger, RIGHT) == 429
    # Other accounts are not affected.
    assert _log_in(_client(), "wrong", username="bob") == 200


def test_a_password_reset_lets_the_owner_in_from_a_new_browser(customer, settings):
    settings.RATE_LIMIT_LOGIN_ACCOUNT = "3/h"
    for n in range(3):
        _log_in(_client(), f"guess {n}")
    new_browser = _client()
    assert _log_in(new_browser, RIGHT) == 429
    new_browser.post("/accounts/password-reset/", {"email": "alice@example.com"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    form = new_browser.get(link.removeprefix("http://testserver"), follow=True)
    new_password = "brand new Secret 77"
    response = new_browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == "/accounts/reset/done/"
    assert _log_in(new_browser, new_password) == 302
