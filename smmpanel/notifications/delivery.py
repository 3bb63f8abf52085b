"""Sending the outbox: the worker claims due messages and sends each outside any transaction.

Never twice: a message is claimed with a lease (two workers never hold one row: `claim_due`,
FOR UPDATE SKIP LOCKED on PostgreSQL), sent, and marked sent right after the send returns, by
an UPDATE that only a not-yet-sent row takes. The leases of the rest of the batch are renewed
after each send, and each send has a timeout well under the lease, so a slow batch is not taken
over by another worker. What remains is the window between the SMTP server (or Telegram)
accepting the message and the UPDATE: a worker killed in it (or a database that fails then)
leaves the row unsent, and it is sent again after the lease expires. That is the one way a
message goes twice; closing it would need the receiving server to take an idempotency key,
which SMTP and the Bot API don't.

A failure is retried with a doubling back-off (30 s, 1 min, 2 min, … up to 1 h); after
SMMPANEL_NOTIFY_MAX_ATTEMPTS attempts the message is given up (status failed, shown in the
back-office with its last error).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone

from smmpanel.notifications import telegram
from smmpanel.notifications.models import Channel, Message, MessageStatus
from smmpanel.notifications.texts import render
from smmpanel.worker.claims import claim_due, extend_leases, release

logger = logging.getLogger(__name__)
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
# Few at a time: each send may take up to its timeout, and the claim must outlast the batch.
BATCH = 20


def retry_delay(attempts: int) -> timedelta:
    """How long after its `attempts`-th failed attempt a message is tried again."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def _send(message: Message) -> None:
    subject, body = render(message.kind, message.params, message.language)
    if message.channel == Channel.EMAIL:
        connection = get_connection(timeout=settings.NOTIFY_TIMEOUT_SECONDS)
        EmailMessage(subject, body, to=[message.recipient], connection=connection).send()
    elif message.channel == Channel.TELEGRAM:
        if not settings.TELEGRAM_BOT_TOKEN:
            raise telegram.TelegramError("SMMPANEL_TELEGRAM_BOT_TOKEN is not set")
        telegram.send_message(message.recipient, subject, body)
    else:
        raise ValueError(f"unknown channel {message.channel!r}")


def _sent(message: Message, now: datetime) -> None:
    Message.objects.filter(pk=message.pk, sent_at__isnull=True).update(
        status=MessageStatus.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        last_error="",
        next_attempt_at=None,
        lease_expires_at=None,
    )


def _failed(message: Message, error: Exception, now: datetime) -> None:
    attempts = message.attempts + 1
    retry_after = getattr(error, "retry_after", None)
    delay = timedelta(seconds=retry_after) if retry_after else retry_delay(attempts)
    gave_up = attempts >= settings.NOTIFY_MAX_ATTEMPTS
    logger.warning(
        "notification %s (%s to %s) failed, attempt %s%s: %s",
        message.pk,
        message.kind,
        message.channel,
        attempts,
        ", given up" if gave_up else "",
        error,
    )
    Message.objects.filter(pk=message.pk, sent_at__isnull=True).update(
        status=MessageStatus.FAILED if gave_up else MessageStatus.PENDING,
        attempts=attempts,
        last_error=str(error)[:2000] or type(error).__name__,
        next_attempt_at=None if gave_up else now + delay,
        lease_expires_at=None,
    )


def deliver(ids: list[int], now: datetime) -> None:
    """Send the claimed messages, one by one, outside any transaction."""
    remaining = list(ids)
    for message in Message.objects.filter(pk__in=ids).order_by("pk"):
        remaining.remove(message.pk)
        if message.sent_at is not None or message.status != MessageStatus.PENDING:
            release(Message, message.pk, None)
            continue
        try:
            _send(message)
        except Exception as error:  # noqa: BLE001 - any failure of a send is retried
            _failed(message, error, timezone.now())
        else:
            _sent(message, timezone.now())
        if remaining:
            extend_leases(Message, remaining)


def deliver_due(now: datetime | None = None) -> int:
    """Send every message due at `now`; returns how many were handled."""
    now = now or timezone.now()
    handled = 0
    while ids := claim_due(Message, now, BATCH):
        deliver(ids, now)
        handled += len(ids)
    return handled
