"""Stuck orders: an order its provider still reports Pending after the service's
`reroute_after_minutes` (a start count alone is no start) is canceled there and, only once the
provider confirms the cancel, placed on the next route.

Only at a provider service that takes cancels, only for an order not drip-fed, and only when a
next route exists that has not refused or been left already. The order is never live at two
providers: the next attempt is made by the usual forwarding after the stuck one has left the
live states (a database constraint holds it). Every step is on the order's history (audit log):
`order.reroute_requested`, then `order.rerouted` or `order.reroute_refused`.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.orders.models import CancelRequest, CancelStatus, Order, OrderStatus
from smmpanel.providers.forwarding import tried_routes, usable_routes
from smmpanel.providers.models import UpstreamOrder, UpstreamState

logger = logging.getLogger(__name__)


def _where(upstream: UpstreamOrder) -> dict[str, str]:
    return {
        "provider": upstream.provider.name,
        "provider_service": upstream.provider_service.service_id,
        "upstream_id": upstream.upstream_id or "",
    }


def stuck_attempts(now: datetime) -> list[UpstreamOrder]:
    """Live attempts whose order is still Pending (as its provider reports it), past its service's
    limit, at a provider service that takes cancels, with a next route to go to."""
    found = (
        UpstreamOrder.objects.filter(
            state=UpstreamState.SENT,
            run__isnull=True,
            reroute_requested_at__isnull=True,
            cancel_sent_at__isnull=True,
            provider_service__cancel=True,
            order__status=OrderStatus.PENDING,
            order__service__reroute_after_minutes__isnull=False,
        )
        .exclude(order__cancel_requests__status=CancelStatus.PENDING)
        .select_related("order__service", "provider", "provider_service")
    )
    stuck = []
    for upstream in found:
        service = upstream.order.service
        if upstream.created_at + timedelta(minutes=service.reroute_after_minutes or 0) > now:
            continue
        left = tried_routes(upstream.order) | {upstream.provider_service_id}
        if any(route.pk not in left for route in usable_routes(service)):
            stuck.append(upstream)
    return stuck


def request_reroute(*, upstream_id: int, now: datetime, acting_user: Actor) -> bool:
    """Mark a stuck attempt for rerouting: the worker asks its provider to cancel at the order's
    next pass (due now). Locks the order, then the attempt; False when it is no longer stuck (it
    started, ended, or was marked already)."""
    with transaction.atomic():
        order_id = UpstreamOrder.objects.values_list("order_id", flat=True).get(pk=upstream_id)
        order = Order.objects.select_for_update().get(pk=order_id)
        upstream = (
            UpstreamOrder.objects.select_for_update(of=("self",))
            .select_related("provider", "provider_service")
            .get(pk=upstream_id)
        )
        if (
            upstream.state != UpstreamState.SENT
            or upstream.reroute_requested_at is not None
            or order.status != OrderStatus.PENDING
            or CancelRequest.objects.filter(order=order, status=CancelStatus.PENDING).exists()
        ):
            return False
        UpstreamOrder.objects.filter(pk=upstream.pk).update(reroute_requested_at=now)
        Order.objects.filter(pk=order.pk).update(next_attempt_at=now)
        record(
            acting_user,
            "order.reroute_requested",
            obj=order,
            before=_where(upstream),
            after={"waiting_since": upstream.created_at.isoformat()},
        )
    return True


def request_reroutes(now: datetime) -> int:
    """The worker's routine: mark every stuck attempt; how many were marked."""
    marked = 0
    for upstream in stuck_attempts(now):
        marked += request_reroute(upstream_id=upstream.pk, now=now, acting_user=Actor.system())
    return marked


def rerouted(*, upstream: UpstreamOrder, acting_user: Actor) -> bool:
    """The provider confirmed the panel's cancel of a stuck attempt: the attempt leaves the live
    states (its provider service is not tried again for this order) and the order, still
    Pending and unrefunded, is due for forwarding at once. False when the attempt was decided
    otherwise meanwhile."""
    with transaction.atomic():
        Order.objects.select_for_update().only("pk").get(pk=upstream.order_id)
        moved = UpstreamOrder.objects.filter(pk=upstream.pk, state=UpstreamState.SENT).update(
            state=UpstreamState.REROUTED
        )
        if not moved:
            return False
        order = Order.objects.get(pk=upstream.order_id)
        record(acting_user, "order.rerouted", obj=order, before=_where(upstream),
               after={"state": UpstreamState.REROUTED})  # fmt: skip
    return True


def reroute_refused(*, upstream: UpstreamOrder, message: str, acting_user: Actor) -> None:
    """The provider refused the panel's cancel: the order stays where it is (recorded)."""
    with transaction.atomic():
        order = Order.objects.get(pk=upstream.order_id)
        record(acting_user, "order.reroute_refused", obj=order, before=_where(upstream),
               after={"error": message[:500]})  # fmt: skip
