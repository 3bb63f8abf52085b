"""api.middleware.ApiLane: API v2's requests skip the pages' middleware and answer as before.

The reply keeps what the middleware it skips never changed and what the three it keeps add
(SecurityMiddleware's headers and https redirect rule, CommonMiddleware's host check and
Content-Length, XFrameOptionsMiddleware's header); pages still go through the whole chain."""

import pytest
from django.urls import Resolver404, resolve

from smmpanel.api import views
from smmpanel.api.middleware import PATHS
from tests.factories import make_account

pytestmark = pytest.mark.django_db

# Paths near the API's: none of them is the API.
NOT_THE_API = ["/api-access/", "/apis", "/api/v3", "/api/v2/openapi.json", "/api//", "/v2"]


def test_the_lane_takes_the_paths_of_the_api_pattern_and_no_other():
    for path in PATHS:
        assert resolve(path).func is views.endpoint
    for path in NOT_THE_API:
        try:
            match = resolve(path)
        except Resolver404:  # not a URL at all
            continue
        assert match.func is not views.endpoint, path


@pytest.mark.parametrize("path", PATHS)
def test_every_api_path_answers_through_the_lane(client, path):
    _account, key = make_account(balance="12.50")
    reply = client.post(path, {"key": key, "action": "balance"})
    assert reply.json() == {"balance": "12.50", "currency": "USD"}


def test_an_api_reply_carries_the_security_headers_and_no_cookie(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    _account, key = make_account(balance="3")
    # A browser that holds the panel's cookies calls the API: neither is read nor answered.
    client.cookies["sessionid"] = "not-a-session"
    client.cookies["csrftoken"] = "x" * 32
    reply = client.post("/api/v2", {"key": key, "action": "balance"}, secure=True)
    assert reply.json() == {"balance": "3.00", "currency": "USD"}
    assert reply.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "same-origin"
    assert reply.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert reply.headers["Content-Length"] == str(len(reply.content))
    assert "Vary" not in reply.headers
    assert not reply.cookies
    # A page still goes through the session's middleware: the unknown session is dropped.
    page = client.get("/api-access/", secure=True)
    assert page.cookies["sessionid"].value == ""


def test_an_api_request_to_an_unknown_host_is_refused_in_json(client):
    reply = client.post("/api/v2", {"key": "x", "action": "balance"}, HTTP_HOST="evil.example")
    assert reply.status_code == 400
    assert reply.json() == {"error": "Incorrect request"}
