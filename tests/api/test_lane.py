"""api.middleware.ApiLane: API v2's requests skip the pages' middleware and answer as before.

The reply keeps what the middleware it skips never changed and what the three it keeps add
(SecurityMiddleware's headers and https redirect rule, CommonMiddleware's host check and
Content-Length, XFrameOptionsMiddleware's header); pages still go through the whole chain."""

import io
import time

import orjson
import pytest
from django.core import signals
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from smmpanel.api import views
from smmpanel.api.middleware import PATHS, RECEIVERS, LaneHandler
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


# --- LaneHandler: the request signals' work without the signals ---------------------------------
def _live_receivers(signal) -> set[str]:
    return {f"{f.__module__}.{f.__qualname__}" for f in signal._live_receivers(None)[0]}


def test_the_request_signals_have_no_receiver_the_lane_does_not_run():
    """A receiver connected to Django's request signals (by Django, the panel or a library) is
    skipped by the lane's handler unless it does that receiver's work: this fails until it
    does (and RECEIVERS names it)."""
    assert _live_receivers(signals.request_started) == RECEIVERS["request_started"]
    assert _live_receivers(signals.request_finished) == RECEIVERS["request_finished"]


def _wsgi_call(handler, path: str, body: bytes, host: str = "testserver"):
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(len(body)),
        HTTP_HOST=host,
        **{"wsgi.input": io.BytesIO(body)},
    )
    started = []
    result = handler(environ, lambda status, headers: started.append((status, headers)))
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return started[0][0], dict(started[0][1]), content


@pytest.mark.django_db(transaction=True)
def test_the_lane_handler_answers_as_djangos_and_closes_an_expired_connection(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    _account, key = make_account(balance="7.5")
    body = f"key={key}&action=balance".encode()
    sent = []

    def count(sender, **kwargs):
        sent.append(sender)

    lane, django_s = LaneHandler(), WSGIHandler()
    signals.request_started.connect(count)
    try:
        for path in ("/api/v2", "/api"):
            ours, theirs = _wsgi_call(lane, path, body), _wsgi_call(django_s, path, body)
            assert ours == theirs
            assert orjson.loads(ours[2]) == {"balance": "7.50", "currency": "USD"}
        assert len(sent) == 2  # Django's handler's two requests; the lane's sent none
        # A page goes through Django's own handling, signals and all.
        _wsgi_call(lane, "/api-access/", b"")
        assert len(sent) == 3
        # An unknown host is refused in JSON, as through Django's handler.
        refused = _wsgi_call(lane, "/api/v2", body, host="evil.example")
        assert refused == _wsgi_call(django_s, "/api/v2", body, host="evil.example")
        assert refused[0].startswith("400")
    finally:
        signals.request_started.disconnect(count)
    # A connection past its age (CONN_MAX_AGE) is closed at the end of the request, as
    # request_finished's close_old_connections would.
    connection.ensure_connection()
    connection.close_at = time.monotonic() - 1
    assert _wsgi_call(lane, "/api/v2", body)[0] == "200 OK"
    assert connection.connection is None


class ClosingCache(LocMemCache):
    """A cache whose backend has something to close at the end of a request, as memcached's."""

    closed = 0

    def close(self, **kwargs):
        type(self).closed += 1


@pytest.mark.django_db(transaction=True)
def test_the_lane_handler_closes_a_cache_that_has_something_to_close(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    _account, key = make_account(balance="1")
    body = f"key={key}&action=balance".encode()
    # The panel's own backends (the database's, Redis's) have nothing to close.
    assert LaneHandler().caches_to_close is False
    settings.CACHES = {
        **settings.CACHES,
        "closing": {"BACKEND": f"{__name__}.ClosingCache", "LOCATION": "lane-test"},
    }
    caches["closing"].get("anything")  # in use on this thread, as a request would make it
    ClosingCache.closed = 0
    assert _wsgi_call(LaneHandler(), "/api/v2", body)[0] == "200 OK"
    assert ClosingCache.closed == 1
