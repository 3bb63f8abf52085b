"""Polling providers for the status of what was sent to them, in batches of up to 100 ids per
call, each provider in its own thread (threads only talk HTTP; the database is written here, in
the calling thread, through `orders.status.apply_status`)."""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings

from smmpanel.client import ClientError, OrderStatusInfo
from smmpanel.orders.models import SUBSCRIPTION_STATUSES, OrderStatus
from smmpanel.providers import connection
from smmpanel.providers.models import Provider, UpstreamOrder

logger = logging.getLogger(__name__)
MAX_PARALLEL_PROVIDERS = 8
# How often the claims of a batch are renewed while its provider calls are in flight.
KEEPALIVE_SECONDS = 20
T = TypeVar("T")

# Order statuses a provider may report for an ordinary order, and what some panels say instead.
ORDER_STATUSES = frozenset(
    {"Pending", "In progress", "Processing", "Completed", "Partial", "Canceled"}
)
RAW_ALIASES = {"refunded": OrderStatus.CANCELED, "cancelled": OrderStatus.CANCELED}
# Some panels report `remains: 0` for an order they have not started: under these statuses a
# provider has delivered nothing yet, so its remains tells nothing.
NOT_STARTED = frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING})


@dataclass(frozen=True)
class Report:
    """What a provider reported for one upstream order, ready for the status path; `status` is
    None when the report can't be used (unknown status, per-id error, no answer), `remains` None
    when the report says nothing about delivery (see `delivery_claim`)."""

    status: str | None
    start_count: int | None = None
    remains: int | None = None
    extra: dict | None = None
    note: str = ""


def _nothing() -> None:
    pass


def gather(futures: Iterable[Future[T]], keepalive: Callable[[], None]) -> None:
    """Wait for the calls in flight, renewing the worker's claims (`keepalive`) meanwhile, so
    that a slow provider never lets another worker take over orders still being worked on."""
    waiting = set(futures)
    while waiting:
        _, waiting = wait(waiting, timeout=KEEPALIVE_SECONDS)
        if waiting:
            keepalive()


def per_provider(
    upstreams: Iterable[UpstreamOrder],
    call: Callable[[Provider, list[str]], T],
    keepalive: Callable[[], None] = _nothing,
) -> dict[int, T | ClientError]:
    """Run `call(provider, upstream ids)` for each provider in parallel; a fault is a value."""
    groups: dict[int, list[UpstreamOrder]] = defaultdict(list)
    for upstream in upstreams:
        groups[upstream.provider_id].append(upstream)

    def run(group: list[UpstreamOrder]) -> T | ClientError:
        try:
            return call(group[0].provider, [str(u.upstream_id) for u in group])
        except ClientError as error:
            return error

    if not groups:
        return {}
    with ThreadPoolExecutor(max_workers=min(len(groups), MAX_PARALLEL_PROVIDERS)) as pool:
        futures = {pk: pool.submit(run, group) for pk, group in groups.items()}
        gather(futures.values(), keepalive)
        return {pk: future.result() for pk, future in futures.items()}


def _statuses(provider: Provider, ids: list[str]) -> dict[str, OrderStatusInfo]:
    with connection.client_for(provider) as client:
        return client.statuses(ids)  # chunked to 100 ids per call by the client


def poll(
    upstreams: list[UpstreamOrder], keepalive: Callable[[], None] = _nothing
) -> dict[int, Report]:
    """Each upstream order's report, keyed by UpstreamOrder id."""
    replies = per_provider(upstreams, _statuses, keepalive)
    reports = {}
    for upstream in upstreams:
        reply = replies[upstream.provider_id]
        if isinstance(reply, ClientError):
            reports[upstream.pk] = Report(None, note=f"{reply.kind}: {reply.message}")
            continue
        info = reply.get(str(upstream.upstream_id))
        reports[upstream.pk] = read(
            info, subscription=upstream.order.service.type == "Subscriptions"
        )
    return reports


def read(info: OrderStatusInfo | None, *, subscription: bool) -> Report:
    """The protocol's status reply as a report; anything unexpected is a note, never a crash."""
    if info is None:
        return Report(None, note="not in the provider's reply")
    if info.error:
        return Report(None, note=info.error[:200])
    status = info.status
    if status == "unknown":
        status = RAW_ALIASES.get(info.raw_status.strip().lower(), "unknown")
    allowed = SUBSCRIPTION_STATUSES if subscription else ORDER_STATUSES
    if status not in allowed:
        return Report(None, note=f"unknown status {info.raw_status[:60]!r}")
    remains = info.remains if subscription else delivery_claim(status, info.remains)
    return Report(status, info.start_count, remains, info.extra or None)


def delivery_claim(status: str, remains: int | None) -> int | None:
    """The remains a report may claim for an ordinary order; None keeps what the panel knows.

    Only a final status (Completed, Partial, Canceled) says what was delivered. Before the order
    starts nothing was; while it is in progress its remains is progress, but 0 (all delivered)
    is only believed from Completed.
    """
    if status in NOT_STARTED or (status == OrderStatus.IN_PROGRESS and remains == 0):
        return None
    return remains


def clamp(remains: int | None, total: int) -> int | None:
    """A provider's remains within [0, total]: over-delivery refunds nothing, and nothing refunds
    more than was charged."""
    return None if remains is None else min(max(remains, 0), total)


def next_poll(now: datetime, unchanged_polls: int) -> datetime:
    """Poll again soon after a change, then back off (doubling) while nothing changes."""
    base = settings.PROVIDER_POLL_SECONDS
    seconds = min(base * 2 ** min(unchanged_polls, 16), settings.PROVIDER_POLL_MAX_SECONDS)
    return now + timedelta(seconds=seconds)
