"""detect_dialect finds a dialect each seed panel answers in, and says clearly when none works."""

import pytest

from smmpanel.client import (
    Client,
    Dialect,
    ProviderRefused,
    ProviderUnreachable,
    detect_dialect,
)
from smmpanel.client.testing import SEED_PANELS, UpstreamDialect
from tests.conftest import free_port

EXPECTED = {
    "vtechsmm": Dialect(),  # takes the key parameter too
    "smmplus": Dialect(),
    "pusatpanelsmm": Dialect(),
    "smmvna": Dialect(),
    "baostar": Dialect(body="json"),
}
BEARER_ONLY = UpstreamDialect(path="/api", bodies=frozenset({"form"}), auth=frozenset({"bearer"}))
GET_ONLY = UpstreamDialect(bodies=frozenset({"query"}), auth=frozenset({"key"}))
JSON_BEARER = UpstreamDialect(bodies=frozenset({"json"}), auth=frozenset({"bearer"}))


@pytest.mark.parametrize("seed", list(SEED_PANELS))
def test_each_seed_panel_is_detected(upstream_of, seed):
    upstream = upstream_of(seed)
    dialect = detect_dialect(upstream.url, upstream.key)
    assert dialect == EXPECTED[seed]
    with Client(upstream.url, upstream.key, dialect) as client:
        assert client.services()  # the detected dialect works beyond balance


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (BEARER_ONLY, Dialect(auth="bearer")),
        (GET_ONLY, Dialect(method="GET")),
        (JSON_BEARER, Dialect(body="json", auth="bearer")),
    ],
)
def test_bearer_only_get_only_and_json_bearer_panels_are_detected(upstream_of, settings, expected):
    upstream = upstream_of(settings)
    assert detect_dialect(upstream.url, upstream.key) == expected
    # Only balance calls were made: detection is harmless.
    assert set(upstream.calls) <= {"balance", ""}


def test_a_wrong_key_is_the_panels_refusal(upstream_of):
    upstream = upstream_of("smmplus")
    with pytest.raises(ProviderRefused, match="Invalid API key"):
        detect_dialect(upstream.url, "wrong-key")


def test_nothing_listening_is_unreachable():
    with pytest.raises(ProviderUnreachable):
        detect_dialect(f"http://127.0.0.1:{free_port()}/api/v2", "key", timeout=2)


def test_a_dialect_is_stored_as_json():
    dialect = Dialect(method="POST", body="json", auth="bearer", numeric_ids=True)
    assert Dialect.from_json(dialect.to_json()) == dialect
    assert Dialect.from_json("") == Dialect()
    assert Dialect.from_json('{"method": "get"}') == Dialect(method="GET")
    for bad in ('{"body": "xml"}', "[]", '{"numeric_ids": "yes"}', "{nope"):
        with pytest.raises(ValueError):
            Dialect.from_json(bad)
