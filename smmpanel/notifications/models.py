"""The outbox (one row per message to send), each customer's choices, and the little state the
notifications keep: the Telegram update offset, what was said of each provider and of the
worker."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import Account


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")


class Message(models.Model):
    """One message to one recipient, rendered when it is sent (kind + params, in `language`).

    Due work like an order: the worker claims it (`next_attempt_at`, `lease_expires_at`), sends
    it outside any transaction, then marks it sent; a failure is retried later, and after
    `SMMPANEL_NOTIFY_MAX_ATTEMPTS` attempts the row is given up (status failed)."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    # An e-mail address or a Telegram chat id.
    recipient = models.CharField(max_length=254)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=32)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(next_attempt_at__isnull=False),
                name="notification_due",
            ),
            models.Index(fields=["status", "-id"], name="notification_status_recent"),
        ]
        constraints = [
            # A sent message is never due again.
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(next_attempt_at__isnull=True),
                name="notification_sent_not_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.channel}:{self.recipient}"


class Preferences(models.Model):
    """A customer's choices; an account without a row has the defaults (every kind, by e-mail)."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    payment_credited = models.BooleanField(default=True)
    order_completed = models.BooleanField(default=True)
    order_partial = models.BooleanField(default=True)
    order_canceled = models.BooleanField(default=True)
    refill_finished = models.BooleanField(default=True)
    ticket_answered = models.BooleanField(default=True)
    by_email = models.BooleanField(default=True)
    by_telegram = models.BooleanField(default=True)
    telegram_chat_id = models.CharField(max_length=32, blank=True)
    # The code of the `/start CODE` deep link, until a chat sends it.
    telegram_code = models.CharField(max_length=32, null=True, blank=True, unique=True)  # noqa: DJ001

    def __str__(self) -> str:
        return f"notifications of {self.account}"


class TelegramPoll(models.Model):
    """The bot's `getUpdates` offset (one row), due like other work so one worker polls."""

    offset = models.BigIntegerField(default=0)
    # The bot's username (`getMe`), for the `/start` link when SMMPANEL_TELEGRAM_BOT_USERNAME
    # is not set.
    bot_username = models.CharField(max_length=64, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"telegram updates from {self.offset}"


class ProviderWatch(models.Model):
    """Whether the operators were told that a provider's balance is low (once per crossing)."""

    provider = models.OneToOneField(
        "providers.Provider", on_delete=models.CASCADE, related_name="notification_watch"
    )
    balance_low = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"provider {self.provider_id}: balance low {self.balance_low}"


class WorkerAlarm(models.Model):
    """The last worker heartbeat (smmpanel.monitoring) the operators were told stopped: one row,
    so that an outage is told once."""

    told_for = models.DateTimeField()

    def __str__(self) -> str:
        return f"told of the worker stopped since {self.told_for}"
