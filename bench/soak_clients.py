"""The soak's customers (bench/soak.py): threads placing orders alternately on the two API
servers, each with its own idempotency key and link, retrying on timeouts, connection errors and
5xx replies with the same key; after each order, a status poll of an earlier one and now and then
a cancel. Counts replies and errors by kind and times every request."""

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

ATTEMPTS = 8
CANCEL_SHARE = 0.1


@dataclass
class Load:
    acked: dict[str, int] = field(default_factory=dict)  # idempotency key -> order id
    gave_up: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)  # API error replies to `add`
    errors: Counter[str] = field(default_factory=Counter)  # by kind, every request
    latency: dict[str, list[float]] = field(default_factory=dict)  # seconds, by action
    requests: int = 0
    seconds: float = 0.0
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_order: int = 0

    def take(self, limit: int) -> int | None:
        with self.lock:
            if self.next_order >= limit:
                return None
            self.next_order += 1
            return self.next_order

    def timed(self, action: str, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.latency.setdefault(action, []).append(seconds)

    def error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] += 1


def _post(load: Load, http: httpx.Client, url: str, action: str, data: dict) -> Any:
    """The reply's JSON, or None after counting what went wrong."""
    started = time.perf_counter()
    try:
        reply = http.post(url, data={**data, "action": action})
    except httpx.TimeoutException:
        load.error(f"{action}: timeout")
        return None
    except httpx.TransportError as error:
        load.error(f"{action}: connection ({type(error).__name__})")
        return None
    load.timed(action, time.perf_counter() - started)
    if reply.status_code >= 500:
        load.error(f"{action}: HTTP {reply.status_code}")
        return None
    try:
        return reply.json()
    except ValueError:
        load.error(f"{action}: not JSON (HTTP {reply.status_code})")
        return None


def place(load: Load, http: httpx.Client, urls: list[str], base: dict, n: int) -> None:
    key = f"soak-{n}"
    data = {**base, "link": f"https://instagram.com/soak/{n}", "idempotency_key": key,
            "quantity": str(100 + n % 900)}  # fmt: skip
    for attempt in range(ATTEMPTS):
        reply = _post(load, http, urls[(n + attempt) % len(urls)], "add", data)
        if isinstance(reply, dict) and "order" in reply:
            with load.lock:
                load.acked[key] = int(reply["order"])
            return
        if isinstance(reply, dict) and "error" in reply:
            with load.lock:
                load.refused[str(reply["error"])] += 1
            return
        if reply is not None:
            load.error(f"add: unexpected reply {str(reply)[:60]}")
        time.sleep(0.2 * (attempt + 1))
    with load.lock:
        load.gave_up.append(key)


def client(load: Load, urls: list[str], base: dict, limit: int, deadline: float) -> None:
    rng = random.Random()
    with httpx.Client(timeout=10) as http:
        while time.monotonic() < deadline and (n := load.take(limit)) is not None:
            place(load, http, urls, {**base, "service": base["service"]}, n)
            with load.lock:
                earlier = rng.choice(list(load.acked.values())) if load.acked else None
            if earlier is None:
                continue
            key = {"key": base["key"]}
            _post(load, http, urls[n % len(urls)], "status", {**key, "order": earlier})
            if rng.random() < CANCEL_SHARE:
                _post(load, http, urls[(n + 1) % len(urls)], "cancel", {**key, "orders": earlier})


def run_clients(soak: Any, options: Any, chaos: Callable | None) -> Load:
    """Place `options.orders` orders with `options.clients` threads (within `options.seconds`),
    running `chaos(soak, load, at)` alongside, at 40% of the orders."""
    load = Load()
    base = {"key": soak.api_key, "service": soak.service}
    urls = [server.url for server in soak.servers]
    deadline = time.monotonic() + options.seconds
    threads = [
        threading.Thread(target=client, args=(load, urls, base, options.orders, deadline))
        for _ in range(options.clients)
    ]
    if chaos:
        threads.append(threading.Thread(target=chaos, args=(soak, load, options.orders * 2 // 5)))
    started = time.perf_counter()
    for thread in threads[: options.clients]:
        thread.start()
    if chaos:
        threads[-1].start()
    for thread in threads[: options.clients]:
        thread.join()
    load.seconds = time.perf_counter() - started
    load.done.set()
    if chaos:
        threads[-1].join()
    return load
