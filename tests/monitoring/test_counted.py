"""The metrics each process counts: API requests by action and outcome, provider calls by
provider, action and outcome (through a real HTTP call to a fake upstream)."""

import pytest

from smmpanel.client import ProviderRefused
from smmpanel.providers.connection import client_for
from tests.factories import make_account
from tests.monitoring.scrape import value

pytestmark = pytest.mark.django_db

COUNT = "smmpanel_api_request_seconds_count"
PROVIDER_COUNT = "smmpanel_provider_call_seconds_count"


def scrape(client) -> str:
    return client.get("/metrics").content.decode()


def test_api_requests_are_counted_by_action_and_outcome(client, settings):
    _, key = make_account("5")
    before = scrape(client)
    for _ in range(3):
        assert "balance" in client.post("/api/v2", {"key": key, "action": "balance"}).json()
    assert "error" in client.post("/api/v2", {"key": "wrong", "action": "balance"}).json()
    assert "error" in client.post("/api/v2", {"key": key, "action": "x" * 40}).json()
    settings.RATE_LIMIT_API_IP = "1/m"
    client.post("/api/v2", {"key": key, "action": "services"})
    client.post("/api/v2", {"key": key, "action": "services"})
    after = scrape(client)

    def counted(action: str, outcome: str) -> float:
        labels = {"action": action, "outcome": outcome}
        return value(after, COUNT, **labels) - value(before, COUNT, **labels)

    assert counted("balance", "ok") == 3
    assert counted("balance", "error") == 1
    # An action the API does not know is "other": the client's text is never a label.
    assert counted("other", "error") == 1
    assert "x" * 40 not in after
    assert counted("services", "ok") + counted("other", "rate_limited") == 2
    assert counted("other", "rate_limited") >= 1
    assert value(after, "smmpanel_api_request_seconds_bucket", action="balance", outcome="ok",
                 le="+Inf") >= 3  # fmt: skip


def test_provider_calls_are_counted_by_provider_action_and_outcome(client, provider, upstream):
    before = scrape(client)
    with client_for(provider) as upstream_client:
        upstream_client.balance()
        upstream_client.balance()
        upstream.fail("error", actions="balance", times=1)
        with pytest.raises(ProviderRefused):
            upstream_client.balance()
    after = scrape(client)

    def counted(outcome: str) -> float:
        labels = {"provider": provider.name, "action": "balance", "outcome": outcome}
        return value(after, PROVIDER_COUNT, **labels) - value(before, PROVIDER_COUNT, **labels)

    assert counted("ok") == 2
    # The provider's `{"error": …}`: the fault's kind is the outcome.
    assert counted("refused") == 1
