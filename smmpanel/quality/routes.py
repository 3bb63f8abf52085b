"""How each provider's services really deliver, from the panel's own orders: for the back-office,
over the last 7 and 30 days.

Per provider service (a route's upstream): orders sent, refused; the median time to start (from
sending to the first report of a start count or of In progress) and to complete (from sending to
Completed); the share of the finished orders that ended Partial or Canceled; and the refills
passed on and how many the provider honoured (Completed).
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Min, Q
from django.utils import timezone

from smmpanel.orders.models import OrderStatus, RefillStatus
from smmpanel.providers.models import UpstreamOrder, UpstreamRefill, UpstreamState
from smmpanel.quality.models import OrderProgress

FINAL = (OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED)


@dataclass
class RouteQuality:
    provider: str
    service: str  # the provider's service id and name
    sent: int = 0
    refused: int = 0
    finished: int = 0
    partial: int = 0
    canceled: int = 0
    to_start: list[float] = field(default_factory=list)
    to_complete: list[float] = field(default_factory=list)

    @staticmethod
    def _median_minutes(seconds: list[float]) -> int | None:
        return round(statistics.median(seconds) / 60) if seconds else None

    @property
    def minutes_to_start(self) -> int | None:
        return self._median_minutes(self.to_start)

    @property
    def minutes_to_complete(self) -> int | None:
        return self._median_minutes(self.to_complete)

    @property
    def partial_share(self) -> float | None:
        return self.partial / self.finished if self.finished else None

    @property
    def canceled_share(self) -> float | None:
        return self.canceled / self.finished if self.finished else None


@dataclass
class ProviderRefills:
    passed_on: int = 0
    honoured: int = 0


def route_quality(days: int, now: datetime | None = None) -> list[RouteQuality]:
    """The figures of every provider service that had orders sent in the last `days` days, by
    provider and service. Reads the window's attempts, their orders' first starts, in two
    queries (figures for a page, not for the hot path)."""
    since = (now or timezone.now()) - timedelta(days=days)
    attempts = list(
        UpstreamOrder.objects.filter(created_at__gte=since, run__isnull=True)
        .exclude(state__in=[UpstreamState.FAILED, UpstreamState.SENDING])
        .values_list(
            "order_id",
            "state",
            "created_at",
            "provider__name",
            "provider_service__service_id",
            "provider_service__name",
            "order__status",
            "order__completed_at",
        )  # fmt: skip
    )
    sent_orders = [row[0] for row in attempts if row[1] != UpstreamState.REFUSED]
    starts = dict(
        OrderProgress.objects.filter(order_id__in=sent_orders)
        .filter(Q(start_count__isnull=False) | ~Q(status=OrderStatus.PENDING))
        .values("order_id")
        .annotate(first=Min("at"))
        .values_list("order_id", "first")
    )
    routes: dict[tuple[str, str], RouteQuality] = {}
    for order_id, state, sent_at, provider, service_id, name, status, completed_at in attempts:
        route = routes.setdefault(
            (provider, service_id), RouteQuality(provider, f"{service_id} · {name}")
        )
        if state == UpstreamState.REFUSED:
            route.refused += 1
            continue
        route.sent += 1
        if (started := starts.get(order_id)) is not None:
            route.to_start.append(max((started - sent_at).total_seconds(), 0.0))
        if status in FINAL:
            route.finished += 1
            route.partial += status == OrderStatus.PARTIAL
            route.canceled += status == OrderStatus.CANCELED
        if status == OrderStatus.COMPLETED and completed_at is not None:
            route.to_complete.append(max((completed_at - sent_at).total_seconds(), 0.0))
    return sorted(routes.values(), key=lambda route: (route.provider, route.service))


def refills_honoured(days: int, now: datetime | None = None) -> dict[str, ProviderRefills]:
    """Per provider: the refills passed on in the last `days` days, and how many it completed."""
    since = (now or timezone.now()) - timedelta(days=days)
    found: dict[str, ProviderRefills] = {}
    for provider, status in UpstreamRefill.objects.filter(
        created_at__gte=since, state=UpstreamState.SENT
    ).values_list("provider__name", "refill__status"):
        figures = found.setdefault(provider, ProviderRefills())
        figures.passed_on += 1
        figures.honoured += status == RefillStatus.COMPLETED
    return found
