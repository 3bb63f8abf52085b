"""Placing orders (and drip-feed runs) with providers: at most once upstream.

Each attempt is recorded as an `UpstreamOrder` in state `sending` and committed just before its
own call. The call's outcome then moves it to `sent` (with the upstream id), `refused` (the next
route is tried), `failed` (certainly not sent: tried again later) or `review` (maybe sent: never
sent again automatically). Calls to several providers run in parallel threads that never touch
the database.
"""

import logging
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from smmpanel.catalog.models import Service, ServiceRoute
from smmpanel.catalog.order_types import Quantity, spec_for
from smmpanel.client import Client, ClientError, ProviderFault, ProviderRefused
from smmpanel.notifications import watch
from smmpanel.orders.models import Order, Run
from smmpanel.orders.post_charges import POST_CHARGE, UNPAID_POST
from smmpanel.providers import connection
from smmpanel.providers.models import ProviderService, UpstreamOrder, UpstreamState
from smmpanel.providers.pricing import cost
from smmpanel.providers.sync import KEEPALIVE_SECONDS

logger = logging.getLogger(__name__)
MAX_PARALLEL_CALLS = 8
# Order details that are the panel's own bookkeeping, not parameters for the provider.
PANEL_DETAILS = frozenset({"posts_served", "error", POST_CHARGE, UNPAID_POST})


@dataclass
class Unit:
    """What is placed upstream as one order: an order, or one run of a drip-feed order."""

    order: Order
    run: Run | None = None
    outcome: str = ""  # sent, review, failed, exhausted, busy
    reasons: list[str] = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return self.run.quantity if self.run else self.order.quantity


def usable_routes(service: Service) -> list[ProviderService]:
    """The service's provider services in priority order, leaving out disabled providers,
    services the provider no longer lists, and routes that cost more than the service sells for
    (never selling below cost)."""
    routes = ServiceRoute.objects.filter(service=service).select_related(
        "provider_service__provider"
    )
    return [
        route.provider_service
        for route in routes.order_by("priority", "id")
        if route.provider_service.provider.enabled
        and route.provider_service.listed
        and cost(route.provider_service) <= service.rate
    ]


# Attempts whose provider service is not tried again for the same order (or run).
NOT_AGAIN = (UpstreamState.REFUSED, UpstreamState.REROUTED)


def tried_routes(order: Order, run: Run | None = None) -> set[int]:
    """Provider services that refused this order (or run) already, or were left for being
    stuck."""
    attempts = UpstreamOrder.objects.filter(order=order, run=run, state__in=NOT_AGAIN)
    return set(attempts.values_list("provider_service_id", flat=True))


def add_params(unit: Unit, provider_service: ProviderService) -> dict[str, str | int]:
    order = unit.order
    params: dict[str, str | int] = {"service": provider_service.service_id}
    if order.link:
        params["link"] = order.link
    if spec_for(order.service.type).quantity == Quantity.GIVEN:
        params["quantity"] = unit.quantity
    for name, value in order.details.items():
        if name not in PANEL_DETAILS and value not in (None, ""):
            params[name] = value if isinstance(value, int) else str(value)
    return params


def _mark_sending(unit: Unit, provider_service: ProviderService) -> UpstreamOrder | None:
    """Commit the attempt before calling; None when another attempt is live (a race lost)."""
    try:
        with transaction.atomic():
            return UpstreamOrder.objects.create(
                order=unit.order,
                run=unit.run,
                provider=provider_service.provider,
                provider_service=provider_service,
                state=UpstreamState.SENDING,
            )
    except IntegrityError:
        return None


def _call_add(client: Client, params: dict) -> str | ClientError:
    try:
        service = params.pop("service")
        return client.add(service, **params)
    except ClientError as error:
        return error


def _record(attempt: UpstreamOrder, result: str | ClientError, unit: Unit) -> bool:
    """Record the call's outcome; True when the next route should be tried.

    Only an attempt still `sending` takes the outcome: one that was decided meanwhile (its lease
    ran out, another worker put it in review, an operator acted on it) keeps that decision, so a
    late reply can never revive an attempt next to the operator's resend.
    """
    if isinstance(result, str):
        try:
            with transaction.atomic():
                sent = _sending(attempt).update(state=UpstreamState.SENT, upstream_id=result[:64])
                if not sent:
                    # Keep the decision; tell the operator what the provider answered after all.
                    UpstreamOrder.objects.filter(pk=attempt.pk).update(
                        error=f"a late reply: the provider placed it as {result[:64]!r}"
                    )
            unit.outcome = "sent" if sent else "review"
        except IntegrityError:
            _set_state(attempt, UpstreamState.REVIEW, f"upstream id {result!r} is used already")
            unit.outcome = "review"
        return False
    if isinstance(result, ProviderRefused):
        if not _set_state(attempt, UpstreamState.REFUSED, result.message):
            unit.outcome = "review"
            return False
        unit.reasons.append(f"{attempt.provider.name}: {result.message}")
        watch.order_refused(attempt.provider, result.message)
        return True
    if isinstance(result, ProviderFault) and not result.maybe_sent:
        unit.outcome = (
            "failed" if _set_state(attempt, UpstreamState.FAILED, result.message) else "review"
        )
        return False
    _set_state(attempt, UpstreamState.REVIEW, f"outcome unknown: {result.message}")
    unit.outcome = "review"
    return False


def _sending(attempt: UpstreamOrder) -> QuerySet[UpstreamOrder]:
    return UpstreamOrder.objects.filter(pk=attempt.pk, state=UpstreamState.SENDING)


def _set_state(attempt: UpstreamOrder, state: str, error: str) -> bool:
    """Move a `sending` attempt to `state`; False when it had been decided meanwhile."""
    return bool(_sending(attempt).update(state=state, error=error[:2000]))


def forward(units: Iterable[Unit], keepalive: Callable[[], None]) -> None:
    """Place each unit with its first usable route that has not refused it, falling over to the
    next route on a refusal, until one accepts or none is left (`outcome` "exhausted").

    Up to MAX_PARALLEL_CALLS calls are in flight; a unit is marked `sending` only when its own
    call starts and its outcome is recorded as soon as that call returns, so a worker killed
    mid-batch leaves at most MAX_PARALLEL_CALLS attempts for review and the rest of its batch
    unsent, for the next worker to place.
    """
    waiting = deque(units)
    services = {unit.order.service_id: unit.order.service for unit in waiting}
    routes = {pk: usable_routes(service) for pk, service in services.items()}
    tried = {id(unit): tried_routes(unit.order, unit.run) for unit in waiting}
    in_flight: dict[Future[str | ClientError], tuple[Unit, UpstreamOrder]] = {}
    kept_alive = time.monotonic()
    with (
        ThreadPoolExecutor(max_workers=MAX_PARALLEL_CALLS) as pool,
        connection.Clients() as clients,
    ):
        while waiting or in_flight:
            while waiting and len(in_flight) < MAX_PARALLEL_CALLS:
                unit = waiting.popleft()
                choice = next(
                    (ps for ps in routes[unit.order.service_id] if ps.pk not in tried[id(unit)]),
                    None,
                )
                if choice is None:
                    unit.outcome = "exhausted"
                    continue
                tried[id(unit)].add(choice.pk)
                attempt = _mark_sending(unit, choice)
                if attempt is None:
                    unit.outcome = "busy"
                    continue
                attempt.provider = choice.provider
                client = clients.get(choice.provider)
                call = pool.submit(_call_add, client, add_params(unit, choice))
                in_flight[call] = (unit, attempt)
            if not in_flight:
                continue
            done, _ = wait(in_flight, timeout=KEEPALIVE_SECONDS, return_when=FIRST_COMPLETED)
            for call in done:
                unit, attempt = in_flight.pop(call)
                if _record(attempt, call.result(), unit):
                    waiting.appendleft(unit)  # refused: its next route, before the others
            # Renew the claims on time whether the replies come one by one or not at all.
            if time.monotonic() - kept_alive >= KEEPALIVE_SECONDS:
                keepalive()
                kept_alive = time.monotonic()
