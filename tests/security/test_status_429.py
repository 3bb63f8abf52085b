"""The operator's choice of HTTP 429 for "Too many requests"."""

import pytest
from django.test import override_settings

from tests.api.test_openapi import REPLY, _followed, validator
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@override_settings(RATE_LIMIT_API_KEY="2/d", RATE_LIMIT_FLUSH_SECONDS=0, RATE_LIMIT_STATUS=429)
def test_the_operator_may_answer_429(client):
    _, key = make_account("1")
    replies = [client.post("/api/v2", {"key": key, "action": "balance"}) for _ in range(3)]
    assert [reply.status_code for reply in replies] == [200, 200, 429]
    assert replies[2]["Content-Type"] == "application/json; charset=utf-8"
    assert replies[2].json() == {"error": "Too many requests"}


@override_settings(RATE_LIMIT_API_KEY="0", RATE_LIMIT_API_IP="0")
def test_zero_turns_the_limits_off(client):
    _, key = make_account("1")
    replies = [client.post("/api/v2", {"key": key, "action": "balance"}) for _ in range(30)]
    assert all("balance" in reply.json() for reply in replies)


def test_too_many_requests_is_the_documented_reply_in_both_statuses(client, settings):
    # One way of overriding only: pytest-django's `settings` restores, after the test, what it
    # saw at the start, so beside @override_settings it left these limits set for later tests.
    settings.RATE_LIMIT_API_KEY = "1/d"
    settings.RATE_LIMIT_FLUSH_SECONDS = 0
    _, key = make_account("1")
    client.post("/api/v2", {"key": key, "action": "balance"})
    as_200 = client.post("/api/v2", {"key": key, "action": "balance"})
    assert as_200.status_code == 200
    REPLY.validate(as_200.json())
    settings.RATE_LIMIT_STATUS = 429
    as_429 = client.post("/api/v2", {"key": key, "action": "balance"})
    assert as_429.status_code == 429
    response = _followed("/paths/~1api~1v2/post/responses/429")
    validator(f"{response}/content/application~1json/schema").validate(as_429.json())
