"""The API page: the key shown once, regenerated on confirmation, the docs with the real URL."""

import pytest

from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.keys import authenticate_key
from smmpanel.api.actions import ACTIONS
from smmpanel.panel import api_docs


def signup(client, username="budi"):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": "a long Passphrase 42",
            "password2": "a long Passphrase 42",
        },
    )


def test_the_key_made_at_sign_up_is_shown_once_and_works(client, db):
    assert signup(client)["Location"] == "/"
    page = client.get("/api-access/")
    key = page.context["new_key"]
    assert key and key in page.content.decode()
    assert authenticate_key(key).user.username == "budi"
    again = client.get("/api-access/").content.decode()
    assert key not in again and key[:6] in again


def test_regenerating_needs_confirmation_and_replaces_the_key(client, db):
    signup(client)
    old = client.get("/api-access/").context["new_key"]
    client.post("/api-access/regenerate/", {})
    assert client.get("/api-access/").context["new_key"] is None
    assert authenticate_key(old)
    client.post("/api-access/regenerate/", {"confirm": "yes"})
    new = client.get("/api-access/").context["new_key"]
    assert new and new != old
    assert authenticate_key(new).user.username == "budi"
    with pytest.raises(AccountError):
        authenticate_key(old)


def test_the_docs_show_the_customers_real_endpoint(browser, settings):
    settings.PUBLIC_URL = "https://panel.example.id"
    page = browser.get("/api-access/").content.decode()
    assert "https://panel.example.id/api/v2" in page
    assert "curl -s https://panel.example.id/api/v2" in page
    assert "curl_init(&#x27;https://panel.example.id/api/v2&#x27;)" in page
    assert "requests.post(&quot;https://panel.example.id/api/v2&quot;" in page


def test_the_docs_cover_every_action_of_the_api():
    assert {action.name for action in api_docs.ACTIONS} == set(ACTIONS)
