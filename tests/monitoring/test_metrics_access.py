"""`/metrics` is served to a request bearing the token or from an allowed address, else refused."""

import pytest

from smmpanel.monitoring.access import address_allowed, token_matches

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-token"


def test_metrics_are_served_to_loopback_by_default(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"smmpanel_database_up 1.0" in response.content


def test_metrics_are_refused_to_another_address_without_the_token(client, settings):
    settings.METRICS_TOKEN = TOKEN
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert response.json() == {"status": "forbidden"}
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403


def test_metrics_are_served_with_the_token_from_anywhere(client, settings):
    settings.METRICS_TOKEN = TOKEN
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200
    assert b"smmpanel_orders" in response.content


def test_no_token_configured_means_no_token_is_accepted(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


def test_the_allow_list_replaces_loopback(client, settings):
    settings.METRICS_ALLOW = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_the_address_is_the_peers_never_a_forwarded_header(client, settings):
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("::2", False),
        ("", False),
        ("not-an-address", False),
    ],
)
def test_address_allowed_by_default_list(address, allowed):
    assert address_allowed(address, ["127.0.0.0/8", "::1/128"]) is allowed


def test_token_matches_only_a_bearer_with_the_token():
    assert token_matches(f"Bearer {TOKEN}", TOKEN)
    assert token_matches(f"bearer {TOKEN}", TOKEN)
    assert not token_matches(f"Basic {TOKEN}", TOKEN)
    assert not token_matches(TOKEN, TOKEN)
    assert not token_matches("Bearer ", "")
