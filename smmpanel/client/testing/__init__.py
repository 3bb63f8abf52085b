"""A protocol-faithful fake API v2 panel over real HTTP, to test clients against. No Django.

    from smmpanel.client.testing import FakeUpstream, SEED_PANELS
    with FakeUpstream(SEED_PANELS["baostar"]) as upstream:       # JSON bodies only, VND, …
        client = Client(upstream.url, upstream.key, Dialect(body="json"))
        order = client.add(upstream.service_id(0), link="https://x.y/z", quantity=100)
        upstream.set_order(order, status="Partial", remains=-2)
        assert upstream.calls["add"] == 1

Settings (`UpstreamDialect`, presets in `SEED_PANELS`: vtechsmm, smmplus, pusatpanelsmm,
smmvna, baostar): `path` ("/api", "/api/v2"), `bodies` it reads ({"form", "json", "query"}: a
JSON-only panel ignores a form body, so the key is missing -> "Invalid API key"), `auth`
({"key", "bearer"}: Bearer-only ignores the `key` parameter), `string_ids`, `currency`,
`decimals` (0 for IDR/VND), `status_currency` (no `currency` in status), `status_only_items`
(multi-status items carry only `status`), `success_flag`, `service_flags` (no refill/cancel/
dripfeed in services), `batch_refill_one_id`, `plain_dripfeed` (False: services with
dripfeed refuse an order without `runs`, as some third-party panels do), `actions` (others
answer "Incorrect request"), `max_ids` (100). `UpstreamDialect().with_(path="/api")` derives one.

State (read freely; `upstream.panel.lock` guards it): `url` (full endpoint), `key`,
`panel.services` (+ `panel.raw_services`: entries listed after them as given, e.g. broken
ones) / `panel.orders` (`UpstreamOrder`: service, params, quantity, charge, status,
start_count, remains, extra) / `panel.refills` / `panel.products` / `panel.balance` (Decimal);
`calls` (Counter of HTTP requests per action, faulted ones included), `add_requests` (params
of every `add` received, key removed), `requests` (`ReceivedRequest`: action, method, encoding,
bearer, params, body). `reset_counts()` clears the three.

Driving it: `set_order(id, status=, remains=, start_count=, charge=, **extra)` (any status text,
e.g. "Refunded"; any remains, e.g. negative or above the quantity), `set_refill(id, status)`,
`add_service(UpstreamService(...)) -> id`, `service_id(index)`, `finish_orders(status="Completed",
remains=0)` (every open order at once, for benchmarks).

As a process (for manual tries with `smmpanel api` or a soak test):
`python -m smmpanel.client.testing [--seed baostar] [--port P] [--key K] [--dripfeed-only]
[--slow SECONDS]` prints its URL (`--dripfeed-only`: `plain_dripfeed=False`; `--slow`: every
order is placed at once and answered SECONDS later).

Faults (`fail(kind, actions=None, times=None, performed=True, delay=2.0, message=...)`, cleared
by `clear_faults()`): "slow" (reply after `delay` s), "http500" (HTML 500), "html" (HTML 200),
"empty" (empty 200), "truncated" (half the JSON), "error" (`{"error": message}`, never
performed), "shape" (`{"unexpected": "reply"}`), "drop" (connection closed without a reply).
With `performed=True` the action takes effect first (an order is placed, then the reply fails):
the worst case for a client that might send it twice.
"""

from decimal import Decimal
from typing import Any

from .panel import Panel, UpstreamOrder, UpstreamProduct, UpstreamService
from .seeds import SEED_PANELS, UpstreamDialect
from .server import FAULT_KINDS, Fault, ReceivedRequest, serve

__all__ = [
    "FAULT_KINDS",
    "SEED_PANELS",
    "Fault",
    "FakeUpstream",
    "ReceivedRequest",
    "UpstreamDialect",
    "UpstreamOrder",
    "UpstreamProduct",
    "UpstreamService",
]


class FakeUpstream:
    """A fake panel served on 127.0.0.1 in a thread; `start()`/`stop()` or a `with` block."""

    def __init__(
        self,
        dialect: UpstreamDialect | str = UpstreamDialect(),  # noqa: B008 - frozen
        *,
        key: str = "upstream-test-key",
        balance: Decimal | str = Decimal("1000000"),
    ) -> None:
        self.dialect = SEED_PANELS[dialect] if isinstance(dialect, str) else dialect
        self.key = key
        self.panel = Panel(self.dialect, Decimal(balance))
        self.add_requests: list[dict[str, str]] = []
        self.requests: list[ReceivedRequest] = []
        self.faults: list[Fault] = []
        self._server: Any = None

    # --- lifecycle ---
    def start(self, port: int = 0) -> "FakeUpstream":
        self._server, self._thread = serve(self, port)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeUpstream":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return self.base_url + self.dialect.path

    # --- reading ---
    @property
    def calls(self) -> Any:
        return self.panel.calls

    def reset_counts(self) -> None:
        with self.panel.lock:
            self.panel.calls.clear()
            self.add_requests.clear()
            self.requests.clear()

    def service_id(self, index: int) -> str:
        return list(self.panel.services)[index]

    # --- driving ---
    def add_service(self, service: UpstreamService) -> str:
        return self.panel.add_service(service)

    def set_order(
        self,
        order_id: str | int,
        *,
        status: str | None = None,
        remains: int | None = None,
        start_count: int | None = None,
        charge: Decimal | str | None = None,
        **extra: str,
    ) -> UpstreamOrder:
        with self.panel.lock:
            order = self.panel.orders[str(order_id)]
            if status is not None:
                order.status = status
            if remains is not None:
                order.remains = remains
            if start_count is not None:
                order.start_count = start_count
            if charge is not None:
                order.charge = Decimal(charge)
            order.extra.update(extra)
            return order

    def finish_orders(self, status: str = "Completed", remains: int = 0) -> list[str]:
        """Move every order not yet final to `status` (a whole batch done upstream); their ids."""
        with self.panel.lock:
            moved = [
                order_id
                for order_id, order in self.panel.orders.items()
                if order.status not in ("Completed", "Partial", "Canceled")
            ]
            for order_id in moved:
                order = self.panel.orders[order_id]
                order.status, order.remains, order.start_count = status, remains, 100
            return moved

    def set_refill(self, refill_id: str | int, status: str) -> None:
        with self.panel.lock:
            self.panel.refills[str(refill_id)]["status"] = status

    def fail(
        self,
        kind: str,
        *,
        actions: tuple[str, ...] | list[str] | str | None = None,
        times: int | None = None,
        performed: bool | None = None,
        delay: float = 2.0,
        message: str = "Not enough funds on balance",
    ) -> Fault:
        """Make the next matching requests fail (see the module docstring)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}")
        if isinstance(actions, str):
            actions = (actions,)
        fault = Fault(
            kind=kind,
            actions=frozenset(actions) if actions is not None else None,
            times=times,
            performed=(kind != "error") if performed is None else performed,
            delay=delay,
            message=message,
        )
        with self.panel.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self.panel.lock:
            self.faults.clear()

    def take_fault(self, action: str) -> Fault | None:
        """The fault for this request, if any (called by the server under the lock)."""
        for fault in self.faults:
            if fault.actions is None or action in fault.actions:
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None
