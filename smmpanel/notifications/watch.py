"""The operators' alarms: what the providers, the worker and the orders in review tell them.

Each writes outbox rows (the worker sends them) and says each thing once: a low balance once per
crossing of the provider's threshold, a provider's refusals once per run of them, the worker's
silence once per outage.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smmpanel.monitoring.heartbeat import last_beat
from smmpanel.notifications.delivery import deliver
from smmpanel.notifications.models import Message, ProviderWatch, WorkerAlarm
from smmpanel.notifications.outbox import notify_operators
from smmpanel.notifications.texts import (
    ORDERS_IN_REVIEW,
    PROVIDER_BALANCE_LOW,
    PROVIDER_REFUSING,
    WORKER_DOWN,
)
from smmpanel.providers.models import Provider, UpstreamOrder, UpstreamState


def balance_checked(provider: Provider) -> None:
    """After a balance poll: tell the operators when the balance has just fallen to or below the
    provider's `low_balance`; say nothing more until it has risen above it again."""
    low = provider.balance_is_low
    with transaction.atomic():
        watch, _ = ProviderWatch.objects.get_or_create(provider_id=provider.pk)
        watch = ProviderWatch.objects.select_for_update().get(pk=watch.pk)
        if watch.balance_low == low:
            return
        watch.balance_low = low
        watch.save(update_fields=["balance_low"])
        if low:
            notify_operators(
                kind=PROVIDER_BALANCE_LOW,
                params={
                    "provider": provider.name,
                    "balance": str(provider.balance),
                    "currency": provider.currency,
                    "threshold": str(provider.low_balance),
                },
            )


# The provider's answers to `add`: a refusal, or an acceptance (an order it took, even one later
# canceled there to be rerouted).
ANSWERS = [UpstreamState.REFUSED, UpstreamState.SENT, UpstreamState.REROUTED]


def order_refused(provider: Provider, reason: str) -> None:
    """After a provider refused an order: when its last SMMPANEL_NOTIFY_PROVIDER_REFUSALS
    answers are all refusals and the one before them was not, tell the operators (once per run
    of refusals: the next refusal finds the run longer)."""
    count = settings.NOTIFY_PROVIDER_REFUSALS
    if count <= 0:
        return
    answers = list(
        UpstreamOrder.objects.filter(provider_id=provider.pk, state__in=ANSWERS)
        .order_by("-pk")
        .values_list("state", flat=True)[: count + 1]
    )
    refused = answers[:count]
    before = answers[count:]
    if len(refused) < count or any(state != UpstreamState.REFUSED for state in refused):
        return
    if before and before[0] == UpstreamState.REFUSED:
        return
    notify_operators(
        kind=PROVIDER_REFUSING,
        params={"provider": provider.name, "count": count, "reason": reason[:300]},
    )


def orders_in_review(order_ids: list[int]) -> None:
    """Orders whose sending has an unknown outcome: one message for the lot."""
    if order_ids:
        ids = sorted(set(order_ids))
        notify_operators(
            kind=ORDERS_IN_REVIEW,
            params={"count": len(ids), "orders": ", ".join(str(pk) for pk in ids[:50])},
        )


def check_worker(now: datetime | None = None) -> str:
    """Whether a worker beat (smmpanel.monitoring's heartbeat) within
    SMMPANEL_WORKER_STALE_SECONDS: "running", "never" (none ever ran), or "down" — then the
    operators are told once per outage (per last heartbeat), and since no worker will send it,
    the message is sent right here. (`smmpanel notifications check-worker`, run by cron or a
    systemd timer.)"""
    now = now or timezone.now()
    last = last_beat()
    if last is None:
        return "never"
    if last >= now - timedelta(seconds=settings.WORKER_STALE_SECONDS):
        return "running"
    with transaction.atomic():
        alarm = WorkerAlarm.objects.select_for_update().first()
        if alarm is not None and alarm.told_for == last:
            return "down"
        if alarm is None:
            WorkerAlarm.objects.create(told_for=last)
        else:
            alarm.told_for = last
            alarm.save(update_fields=["told_for"])
        since = f"{last:%Y-%m-%d %H:%M:%S} UTC"
        messages = notify_operators(kind=WORKER_DOWN, params={"since": since})
    lease = now + timedelta(seconds=settings.WORKER_LEASE_SECONDS)
    ids = [message.pk for message in messages]
    Message.objects.filter(pk__in=ids, lease_expires_at__isnull=True).update(lease_expires_at=lease)
    deliver(ids, now)
    return "down"
