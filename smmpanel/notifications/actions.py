"""The operators' decisions on the outbox, each an audited domain action."""

from django.db import transaction
from django.utils import timezone

from smmpanel.audit.log import Actor, record
from smmpanel.notifications.models import Message, MessageStatus


def retry_given_up(*, acting_user: Actor, message_id: int | None = None) -> int:
    """Send given-up messages again (once the cause is mended: the SMTP server, the bot's token):
    the one `message_id`, or every one. Each is due now and starts a new series of
    SMMPANEL_NOTIFY_MAX_ATTEMPTS attempts; its last error stays until the next attempt. Records
    `notification.retry` for each; a message no longer given up (retried meanwhile) is left
    alone. Returns how many were retried."""
    with transaction.atomic():
        given_up = Message.objects.select_for_update().filter(
            status=MessageStatus.FAILED, sent_at__isnull=True
        )
        if message_id is not None:
            given_up = given_up.filter(pk=message_id)
        messages = list(given_up.order_by("pk"))
        Message.objects.filter(pk__in=[message.pk for message in messages]).update(
            status=MessageStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            lease_expires_at=None,
        )
        for message in messages:
            record(
                acting_user,
                "notification.retry",
                obj=message,
                summary=f"{message.kind} to {message.recipient} ({message.channel})",
                before={"status": message.status, "attempts": message.attempts},
                after={"status": MessageStatus.PENDING, "attempts": 0},
            )
    return len(messages)
