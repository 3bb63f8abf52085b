"""Rate limits of the API over real HTTP: a server of two processes with low limits, its counts
shared through the database cache (SQLite or PostgreSQL, as the suite runs) or through Redis."""

import itertools
import socket
from collections.abc import Iterator

import httpx
import pytest

from smmpanel.orders.models import Order
from tests.conftest import PanelServer, serving
from tests.factories import make_account, make_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

REDIS_URL = "redis://127.0.0.1:6379/15"
KEY_LIMIT = 5
PROCESSES = 2
IP_LIMIT = 12
TOO_MANY = {"error": "Too many requests"}
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def _limits_env(smmpanel_env: dict, flush_seconds: str) -> dict:
    return {
        **smmpanel_env,
        "SMMPANEL_RATE_LIMIT_API_KEY": f"{KEY_LIMIT}/d",
        "SMMPANEL_RATE_LIMIT_API_IP": f"{IP_LIMIT}/d",
        "SMMPANEL_RATE_LIMIT_FLUSH_SECONDS": flush_seconds,
        "SMMPANEL_CLIENT_IP_HEADER": "X-Forwarded-For",
    }


@pytest.fixture(scope="module", params=["database", "redis"])
def limited_server(request, smmpanel_env, tmp_path_factory) -> Iterator[PanelServer]:
    """`smmpanel serve` (2 processes) with low limits shared at every hit; the client's address
    read from X-Forwarded-For, so that each test has addresses of its own."""
    env = _limits_env(smmpanel_env, flush_seconds="0")
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("Redis is not reachable on 127.0.0.1:6379")
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        env["SMMPANEL_REDIS_URL"] = REDIS_URL
    with serving(env, tmp_path_factory.mktemp("limited") / "serve.log", PROCESSES) as server:
        yield server


@pytest.fixture(scope="module")
def batched_server(smmpanel_env, tmp_path_factory) -> Iterator[PanelServer]:
    """The same limits with the default flush interval: counts shared at most every 0.5 s."""
    env = _limits_env(smmpanel_env, flush_seconds="0.5")
    with serving(env, tmp_path_factory.mktemp("batched") / "serve.log", PROCESSES) as server:
        yield server


def _post(server: PanelServer, address: str, **params) -> httpx.Response:
    # wait_until_up's probe counts for 127.0.0.1 only: every test uses addresses of its own.
    return httpx.post(server.api, data=params, headers={"X-Forwarded-For": address}, timeout=10)


def test_a_key_over_its_limit_is_refused_in_the_protocol_shape(limited_server):
    _, key = make_account("10")
    _, other_key = make_account("10")
    address = next(_addresses)
    replies = [_post(limited_server, address, key=key, action="balance") for _ in range(8)]
    assert all(reply.status_code == 200 for reply in replies)
    assert all(reply.headers["content-type"].startswith("application/json") for reply in replies)
    bodies = [reply.json() for reply in replies]
    assert [body == TOO_MANY for body in bodies] == [False] * KEY_LIMIT + [True] * 3
    # Another key from another address is not affected.
    assert (
        "balance" in _post(limited_server, next(_addresses), key=other_key, action="balance").json()
    )


def test_an_address_over_its_limit_is_refused_whatever_the_key(limited_server):
    address = next(_addresses)
    keys = [make_account("1")[1] for _ in range(4)]
    bodies = [
        _post(limited_server, address, key=keys[n % 4], action="balance").json()
        for n in range(IP_LIMIT)
    ]
    assert TOO_MANY not in bodies
    # Unknown keys count too: guessing keys from one address is limited.
    assert _post(limited_server, address, key="guess", action="balance").json() == TOO_MANY
    assert _post(limited_server, address, key=keys[0], action="balance").json() == TOO_MANY
    assert _post(limited_server, next(_addresses), key=keys[0], action="balance").json() != TOO_MANY


def test_a_refused_add_places_nothing(limited_server):
    service = make_service()
    account, key = make_account("100")
    address = next(_addresses)
    params = {"key": key, "action": "add", "service": service.pk, "quantity": 100}
    replies = [
        _post(limited_server, address, link=f"https://instagram.com/p/{n}", **params).json()
        for n in range(KEY_LIMIT + 2)
    ]
    assert replies[KEY_LIMIT:] == [TOO_MANY, TOO_MANY]
    assert Order.objects.filter(account=account).count() == KEY_LIMIT


def test_with_batched_counts_a_limit_holds_within_the_documented_slack(batched_server):
    """Each process decides on its own count plus what the others shared: never fewer than the
    limit allowed, never more than the limit in each process (README, Rate limits)."""
    _, key = make_account("10")
    address = next(_addresses)
    sent = 4 * KEY_LIMIT
    bodies = [_post(batched_server, address, key=key, action="balance").json() for _ in range(sent)]
    allowed = sum(body != TOO_MANY for body in bodies)
    assert KEY_LIMIT <= allowed <= KEY_LIMIT * PROCESSES
    assert bodies[:KEY_LIMIT] == [bodies[0]] * KEY_LIMIT
    assert "balance" in bodies[0]
