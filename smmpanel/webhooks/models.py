"""A customer's webhook (where their events go, with the sealed secret that signs them) and the
outbox of events still to deliver."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import Account


class Webhook(models.Model):
    """One per account. `active` is off after a day of failed deliveries (the customer is told on
    the API page and turns it on again by setting the URL)."""

    # Unique, so indexed: the status path asks which accounts of a batch have an active one.
    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="webhook")
    url = models.URLField(_("URL"), max_length=500)
    # The signing secret, encrypted with `sealed` (it must be readable to sign).
    secret_sealed = models.TextField()
    secret_hint = models.CharField(max_length=16, blank=True)
    active = models.BooleanField(_("active"), default=True)
    # The first failure since the last success: a day of failures turns the webhook off.
    failing_since = models.DateTimeField(null=True, blank=True)
    turned_off_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    last_delivery_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.account_id}: {self.url}"


class Event(models.Model):
    """An event still to deliver (the outbox): deleted once the receiver took it, or given up
    after a day. Events of one order go in order: one is sent only when none older is left."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=32)
    # The order the event is about (None for a test event): the unit of ordering.
    order_id = models.BigIntegerField(null=True, blank=True)
    # The JSON body without its "id" (added when sent: the row's id).
    payload = models.JSONField()
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(next_attempt_at__isnull=False),
                name="webhook_event_due",
            ),
            models.Index(fields=["order_id", "id"], name="webhook_event_order"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.pk}"
