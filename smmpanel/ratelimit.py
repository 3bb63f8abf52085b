"""Rate limits shared by every process, at almost no cost per request.

Hits are counted in the process and added to the shared cache (the database cache on one machine,
Redis beyond) at most once per `RATE_LIMIT_FLUSH_SECONDS` per key and process; between two flushes
a process decides on the last shared count plus its own new hits. A limit therefore holds exactly
within one process and within "one flush interval's worth of hits of each other process" across
processes; with a flush interval of 0 every hit is shared at once. Windows are fixed (a limit of
300/m allows 300 hits per calendar minute). When the shared cache fails, each process keeps
limiting on its own counts.
"""

import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from smmpanel.configuration.current import current

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*([smhd])\s*", re.IGNORECASE)
# Beyond this many tracked keys in one process, keys of past windows are forgotten.
MAX_TRACKED = 50_000
# A failing cache is reported at most this often (seconds) per limiter.
WARNING_INTERVAL = 60


class RateError(ValueError):
    pass


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int


def parse_rate(text: str) -> Rate | None:
    """ "300/m" -> Rate(300, 60); "0" or "" -> None (no limit)."""
    if text.strip() in ("", "0"):
        return None
    match = _RATE.fullmatch(text)
    if not match:
        raise RateError(f"a rate is N/s, N/m, N/h or N/d, not {text!r}")
    limit = int(match.group(1))
    return Rate(limit, PERIODS[match.group(2).lower()]) if limit else None


@dataclass
class _Counter:
    window: int
    shared: int = 0  # the shared count at the last flush, our own flushed hits included
    pending: int = 0  # our hits not yet added to the shared count
    flushed_at: float = float("-inf")


class Limiter:
    """Counts hits per identity (an API key's hash, an address) in one scope."""

    def __init__(
        self,
        scope: str,
        rate: Rate | None,
        flush_seconds: float = 0.5,
        cache_alias: str = "default",
        clock: Callable[[], float] = time.time,
    ):
        self.scope = scope
        self.rate = rate
        self.flush_seconds = flush_seconds
        self.cache_alias = cache_alias
        self.clock = clock
        self._counters: dict[str, _Counter] = {}
        self._lock = threading.Lock()
        self._warned_at = float("-inf")

    def allow(self, identity: str) -> bool:
        """Count a hit of `identity`; False when it is over the limit of the current window."""
        if self.rate is None:
            return True
        now = self.clock()
        window = int(now // self.rate.period)
        with self._lock:
            counter = self._counters.get(identity)
            if counter is None or counter.window != window:
                self._forget_past(window)
                counter = self._counters[identity] = _Counter(window)
            counter.pending += 1
            if now - counter.flushed_at >= self.flush_seconds:
                self._flush(identity, counter, now)
            return counter.shared + counter.pending <= self.rate.limit

    def _flush(self, identity: str, counter: _Counter, now: float) -> None:
        assert self.rate is not None
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        key = f"smmpanel:rate:{self.scope}:{counter.window}:{digest}"
        cache = caches[self.cache_alias]
        try:
            try:
                total = cache.incr(key, counter.pending)
            except ValueError:  # not there yet: the first hit of the window anywhere
                if cache.add(key, counter.pending, timeout=self.rate.period + 60):
                    total = counter.pending
                else:
                    total = cache.incr(key, counter.pending)
        except Exception:
            # Fail open on the shared count only: the local count still limits.
            if now - self._warned_at >= WARNING_INTERVAL:
                self._warned_at = now
                logger.warning("rate limit cache unavailable", exc_info=True)
            counter.shared += counter.pending
        else:
            counter.shared = total
        counter.pending = 0
        counter.flushed_at = now

    def _forget_past(self, window: int) -> None:
        if len(self._counters) >= MAX_TRACKED:
            self._counters = {k: c for k, c in self._counters.items() if c.window == window}


# --- the panel's limiters, built from the settings (and rebuilt when they change) ----------------
_limiters: dict[tuple[str, str, float], Limiter] = {}


def limiter(scope: str, rate: str) -> Limiter:
    flush = settings.RATE_LIMIT_FLUSH_SECONDS
    found = _limiters.get((scope, rate, flush))
    if found is None:
        found = _limiters[(scope, rate, flush)] = Limiter(scope, parse_rate(rate), flush)
    return found


def client_ip(request: HttpRequest) -> str:
    """The client's address: the last entry of the proxy's header when one is configured."""
    if settings.CLIENT_IP_HEADER:
        value = request.headers.get(settings.CLIENT_IP_HEADER, "")
        if last := value.split(",")[-1].strip():
            return last
    return request.META.get("REMOTE_ADDR", "")


def allow_api_ip(request: HttpRequest) -> bool:
    return limiter("api-ip", settings.RATE_LIMIT_API_IP).allow(client_ip(request))


def allow_api_key(key: str) -> bool:
    """The operator's per-minute limit when set in the back-office, the environment's otherwise."""
    per_minute = current().api_requests_per_minute
    rate = f"{per_minute}/m" if per_minute else settings.RATE_LIMIT_API_KEY
    return limiter("api-key", rate).allow(key)
