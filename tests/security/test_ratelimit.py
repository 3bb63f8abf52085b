"""Rate limits: the in-process counting and its flushes to the shared cache."""

import pytest
from django.core.cache import cache

from smmpanel.ratelimit import Limiter, Rate, RateError, parse_rate

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("300/m", Rate(300, 60)),
        (" 10 / s ", Rate(10, 1)),
        ("5/H", Rate(5, 3600)),
        ("1000/d", Rate(1000, 86400)),
        ("0", None),
        ("", None),
        ("0/m", None),
    ],
)
def test_rates_read_as_count_per_period(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["300", "300/min", "-1/m", "1.5/s", "ten/m"])
def test_malformed_rates_are_refused(text):
    with pytest.raises(RateError):
        parse_rate(text)


def _shared_count(limiter: Limiter, identity: str) -> int | None:
    """What the shared cache holds for the identity in the current window."""
    import hashlib

    assert limiter.rate is not None
    window = int(limiter.clock() // limiter.rate.period)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return cache.get(f"smmpanel:rate:{limiter.scope}:{window}:{digest}")


def test_limit_holds_exactly_within_one_process():
    clock = Clock()
    limiter = Limiter("t1", Rate(5, 60), flush_seconds=0.5, clock=clock)
    results = [limiter.allow("k") for _ in range(8)]
    assert results == [True] * 5 + [False] * 3
    assert limiter.allow("other")


def test_hits_reach_the_shared_cache_at_most_once_per_flush_interval():
    clock = Clock()
    limiter = Limiter("t2", Rate(1000, 60), flush_seconds=0.5, clock=clock)
    for _ in range(100):
        limiter.allow("k")
    # Only the first hit was written; the other 99 wait in the process.
    assert _shared_count(limiter, "k") == 1
    clock.now += 0.6
    limiter.allow("k")
    assert _shared_count(limiter, "k") == 101


def test_processes_share_the_count_within_one_flush_interval():
    clock = Clock()
    first = Limiter("t3", Rate(10, 60), flush_seconds=0, clock=clock)
    second = Limiter("t3", Rate(10, 60), flush_seconds=0, clock=clock)
    results = [(first if n % 2 else second).allow("k") for n in range(14)]
    assert results == [True] * 10 + [False] * 4


def test_unflushed_hits_of_another_process_are_the_documented_slack():
    clock = Clock()
    first = Limiter("t4", Rate(10, 60), flush_seconds=0.5, clock=clock)
    second = Limiter("t4", Rate(10, 60), flush_seconds=0.5, clock=clock)
    # Each process flushes its first hit, then counts alone until its next flush.
    assert [first.allow("k") for _ in range(10)] == [True] * 10
    allowed = sum(second.allow("k") for _ in range(10))
    # The second process saw one of the first's hits: at most one interval's hits of slack.
    assert allowed == 9
    clock.now += 0.6
    assert not first.allow("k")
    assert not second.allow("k")


def test_a_new_window_starts_a_new_count():
    clock = Clock(600.0)
    limiter = Limiter("t5", Rate(2, 60), flush_seconds=0, clock=clock)
    assert [limiter.allow("k") for _ in range(3)] == [True, True, False]
    clock.now += 60
    assert limiter.allow("k")


def test_no_rate_means_no_limit_and_no_cache_write():
    limiter = Limiter("t6", None)
    assert all(limiter.allow("k") for _ in range(1000))


def test_a_failing_cache_leaves_the_local_limit(monkeypatch, caplog):
    clock = Clock()
    limiter = Limiter("t7", Rate(3, 60), flush_seconds=0, clock=clock)

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "incr", broken)
    monkeypatch.setattr(cache, "add", broken)
    with caplog.at_level("WARNING", logger="smmpanel.ratelimit"):
        assert [limiter.allow("k") for _ in range(5)] == [True] * 3 + [False] * 2
    # Reported once, not at every hit.
    assert [r.message for r in caplog.records] == ["rate limit cache unavailable"]
