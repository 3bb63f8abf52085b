"""The worker's part: POST due events to their receivers, signed, in order per order.

Claimed like every due row (`worker.claims`), sent outside any transaction with httpx, through
the outgoing-address guard of providers (`netguard`, public addresses only unless
`SMMPANEL_ALLOW_PRIVATE_WEBHOOKS=1`). A 2xx reply delivers the event (its row is deleted: at
least once, the receiver drops a repeated "id"); anything else is retried with back-off. An
event is sent only when no older event of its order is left; it waits otherwise, and is woken
when the older one is delivered or given up. After a day an event is given up; after a day of
failures and no success the webhook is turned off and its events dropped.
"""

import hashlib
import hmac
import json
import logging
import time
from datetime import datetime, timedelta

import httpx
from django.conf import settings
from django.db import transaction

from smmpanel.audit.log import Actor
from smmpanel.netguard import guarded_transport
from smmpanel.netpolicy import is_public
from smmpanel.webhooks.actions import secret_of, turn_off_webhook
from smmpanel.webhooks.models import Event, Webhook
from smmpanel.worker.claims import extend_leases

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Smmpanel-Signature"
EVENT_HEADER = "X-Smmpanel-Event"
GIVE_UP_AFTER = timedelta(days=1)
# Waits after the 1st, 2nd, … failure; the last repeats (about 30 tries in a day).
BACK_OFF = [timedelta(seconds=s) for s in (10, 30, 60, 120, 300, 600, 1800, 3600)]
# A waiting event looks again at least this often (its older event may be on another worker).
WAIT_AT_MOST = timedelta(minutes=1)
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
BATCH = 20


def sign(secret: str, body: bytes) -> str:
    """HMAC-SHA256 of the body under the secret, in hex: the `X-Smmpanel-Signature` header."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def body_of(event: Event) -> bytes:
    return json.dumps({"id": event.pk, **event.payload}, separators=(",", ":")).encode()


def client() -> httpx.Client:
    transport = None if settings.ALLOW_PRIVATE_WEBHOOKS else guarded_transport(is_public)
    headers = {"User-Agent": "smmpanel-webhooks/1"}
    return httpx.Client(transport=transport, timeout=TIMEOUT, headers=headers)


def _post(http: httpx.Client, event: Event) -> str:
    """What went wrong (shown to the customer), or the empty text when the receiver took it."""
    body = body_of(event)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret_of(event.webhook), body),
        EVENT_HEADER: event.type,
    }
    try:
        reply = http.post(event.webhook.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"[:200]
    except ValueError as error:  # the secret can't be unsealed (SECRET_KEY changed)
        return str(error)[:200]
    if 200 <= reply.status_code < 300:
        return ""
    return f"HTTP {reply.status_code}"


def _older(event: Event) -> Event | None:
    if event.order_id is None:
        return None
    return Event.objects.filter(order_id=event.order_id, pk__lt=event.pk).order_by("pk").first()


def _finish(event: Event, now: datetime) -> None:
    """The event is done (delivered or given up): delete it, wake the next one of its order."""
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
        if event.order_id is not None:
            following = (
                Event.objects.filter(order_id=event.order_id, pk__gt=event.pk)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
            if following is not None:
                Event.objects.filter(pk=following).update(next_attempt_at=now)


def _release(event: Event, when: datetime, **fields: object) -> None:
    Event.objects.filter(pk=event.pk).update(lease_expires_at=None, next_attempt_at=when, **fields)


def _failed(event: Event, error: str, now: datetime) -> None:
    webhook = event.webhook
    if webhook.failing_since is None:
        Webhook.objects.filter(pk=webhook.pk, failing_since__isnull=True).update(
            failing_since=now, last_error=error
        )
        webhook.failing_since = now
    else:
        Webhook.objects.filter(pk=webhook.pk).update(last_error=error)
    if now - webhook.failing_since >= GIVE_UP_AFTER:
        turn_off_webhook(webhook_id=webhook.pk, error=error, acting_user=Actor.system())
        return
    if now - event.created_at >= GIVE_UP_AFTER:
        logger.info("webhook event %s given up after %s tries: %s", event.pk, event.attempts, error)
        _finish(event, now)
        return
    wait = BACK_OFF[min(event.attempts, len(BACK_OFF) - 1)]
    _release(event, now + wait, attempts=event.attempts + 1, last_error=error)


def deliver(ids: list[int], now: datetime, http: httpx.Client) -> None:
    """Send the claimed events, oldest first, and release each with its next time (or delete
    it). A webhook that failed once in this batch is not tried again in it."""
    events = Event.objects.select_related("webhook").filter(pk__in=ids).order_by("pk")
    failed_hooks: dict[int, datetime] = {}
    renewed = time.monotonic()
    for event in events:
        if time.monotonic() - renewed > settings.WORKER_LEASE_SECONDS / 3:
            extend_leases(Event, ids)  # slow receivers: keep the batch ours
            renewed = time.monotonic()
        if not event.webhook.active:
            # Written by a change that committed while the webhook was being turned off.
            Event.objects.filter(pk=event.pk).delete()
            continue
        if event.webhook_id in failed_hooks:
            if Event.objects.filter(pk=event.pk).exists():  # not dropped with its webhook
                _release(event, failed_hooks[event.webhook_id])
            continue
        older = _older(event)
        if older is not None:
            # Woken when the older one is done; meanwhile looks again at its next try.
            waits = older.next_attempt_at
            _release(event, waits if waits and waits > now else now + WAIT_AT_MOST)
            continue
        error = _post(http, event)
        if not error:
            _finish(event, now)
            Webhook.objects.filter(pk=event.webhook_id).update(
                failing_since=None, last_error="", last_delivery_at=now
            )
            continue
        _failed(event, error, now)
        failed_hooks[event.webhook_id] = now + BACK_OFF[min(event.attempts, len(BACK_OFF) - 1)]
