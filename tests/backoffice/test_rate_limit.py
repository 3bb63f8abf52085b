"""The operator's API rate limit: the setting's override applies to the API endpoint."""

import pytest
from django.core.cache import cache
from django.test import Client

from smmpanel import ratelimit
from smmpanel.audit.log import Actor
from smmpanel.configuration.operations import update_settings
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counts(monkeypatch):
    # One frozen minute, so that no window boundary falls between the requests.
    monkeypatch.setattr(ratelimit.Limiter, "__init__", _frozen_limiter(ratelimit.Limiter.__init__))
    monkeypatch.setattr(ratelimit, "_limiters", {})
    cache.clear()
    yield
    cache.clear()


def _frozen_limiter(init):
    def frozen(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.clock = lambda: 1_800_000_000.0

    return frozen


def balance(client: Client, key: str) -> dict:
    return client.post("/api/v2", {"key": key, "action": "balance"}).json()


def test_requests_over_the_limit_get_the_protocols_error_per_key():
    _, key = make_account("5")
    _, other_key = make_account("5")
    client = Client()
    assert all("balance" in balance(client, key) for _ in range(5))
    update_settings(acting_user=Actor.system(), api_requests_per_minute=3)
    replies = [balance(client, key) for _ in range(4)]
    assert [("error" in reply) for reply in replies] == [False, False, False, True]
    assert replies[-1] == {"error": "Too many requests"}
    assert "balance" in balance(client, other_key)
    update_settings(acting_user=Actor.system(), api_requests_per_minute=0)
    assert "balance" in balance(client, key)


# Committed: processes keep nothing read inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_the_settings_cost_the_api_no_query_once_cached(django_assert_num_queries):
    _, key = make_account("5")
    client = Client()
    update_settings(acting_user=Actor.system(), api_requests_per_minute=100, currency="EUR")
    assert balance(client, key) == {"balance": "5.00", "currency": "EUR"}
    # The key's account (with the versions of what is cached) is the one query; the settings
    # row and the limit come from caches.
    with django_assert_num_queries(1):
        assert balance(client, key)["currency"] == "EUR"
