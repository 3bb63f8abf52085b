"""Support tickets: a customer's question, its thread, and what the automation did per order.

Rows change only through `smmpanel.support.actions` (and the automation it calls).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import Account

# A message's length, in characters: plain text, a few paragraphs at most.
BODY_MAX_LENGTH = 5000
# Orders one ticket may name.
MAX_ORDERS = 20


class TicketKind(models.TextChoices):
    REFILL = "refill", _("Order: refill")
    CANCEL = "cancel", _("Order: cancel")
    SPEED_UP = "speed_up", _("Order: speed up")
    ORDER_OTHER = "order_other", _("Order: other")
    PAYMENT = "payment", _("Payment")
    OTHER = "other", _("Other")


# The kinds that name orders, and those the panel handles by itself.
ORDER_KINDS = (TicketKind.REFILL, TicketKind.CANCEL, TicketKind.SPEED_UP, TicketKind.ORDER_OTHER)
AUTOMATED_KINDS = (TicketKind.REFILL, TicketKind.CANCEL, TicketKind.SPEED_UP)


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Ticket(models.Model):
    """A customer's ticket. Open: waiting for staff; answered: waiting for the customer."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="tickets")
    kind = models.CharField(max_length=16, choices=TicketKind.choices)
    # The customer's own orders the ticket is about (checked when it was opened).
    order_ids = models.JSONField(_("orders"), default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    # The automation could not decide every order: a person has to look.
    flagged = models.BooleanField(_("needs staff"), default=False)
    # Something new for each side since it last opened the ticket.
    unread_by_customer = models.BooleanField(default=False)
    unread_by_staff = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "-id"], name="ticket_account_recent"),
            models.Index(fields=["status", "id"], name="ticket_queue"),
        ]

    def __str__(self) -> str:
        return f"ticket {self.pk}"


class Author(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    SYSTEM = "system", _("System")


class TicketMessage(models.Model):
    """One message of a ticket's thread; an internal note is for staff only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=16, choices=Author.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"message {self.pk} of ticket {self.ticket_id}"


class Outcome(models.TextChoices):
    """What the automation did with one order of a ticket."""

    DONE = "done", _("Done")
    NOT_YOURS = "not_yours", _("Not your order")
    NOT_AVAILABLE = "not_available", _("Not offered by the service")
    NOT_COMPLETED = "not_completed", _("Not completed")
    EXPIRED = "expired", _("Refill window over")
    PENDING = "pending", _("Already requested")
    FINISHED = "finished", _("Already finished")
    COOLDOWN = "cooldown", _("Asked too recently")
    UNDECIDED = "undecided", _("Left to staff")


class OrderOutcome(models.Model):
    """The automation's outcome for one order named by a ticket (the cooldown reads these)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="outcomes")
    # An id as the customer gave it: not a foreign key, it may name no order of theirs.
    order_id = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=TicketKind.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["order_id", "kind", "-created_at"], name="outcome_order")]

    def __str__(self) -> str:
        return f"{self.kind} of order {self.order_id}: {self.outcome}"


class CannedReply(models.Model):
    """A reply staff pick instead of typing it, in one language."""

    language = models.CharField(max_length=8)
    title = models.CharField(max_length=100)
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["language", "title"], name="canned_reply_title"),
            models.CheckConstraint(condition=~Q(title=""), name="canned_reply_has_title"),
        ]

    def __str__(self) -> str:
        return self.title
