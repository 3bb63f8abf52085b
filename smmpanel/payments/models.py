from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import Account, LedgerEntry, money_field


class PaymentMethod(models.Model):
    """A way to add funds that the operator offers: a gateway plug-in (`gateway`) and the text
    and limits the operator sets for it. Several methods may use the same plug-in (two banks)."""

    name = models.CharField(_("name"), max_length=100)
    gateway = models.CharField(
        _("gateway"),
        max_length=32,
        help_text="The plug-in handling it: 'manual' (bank transfer) or a gateway's code",
    )
    instructions = models.TextField(
        _("instructions"),
        blank=True,
        help_text="Shown to the customer, e.g. the bank account to transfer to",
    )
    min_amount = money_field(verbose_name=_("minimum amount"), default=1)
    max_amount = money_field(verbose_name=_("maximum amount"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(min_amount__gt=0), name="payment_method_min"),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gte=models.F("min_amount")),
                name="payment_method_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Payment(models.Model):
    """A customer's payment. Approving it makes exactly one deposit in the ledger, the entry it
    points to: the one-to-one link and the check below make a second deposit impossible."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="payments")
    method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, related_name="payments")
    amount = money_field()
    # The customer's transfer reference (manual) or the gateway's transaction id.
    reference = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    ledger_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    # The operator's internal note, never shown to the customer; `message` is what they see.
    note = models.CharField(
        _("internal note"), max_length=255, blank=True, help_text=_("Seen by operators only")
    )
    message = models.CharField(
        _("message to the customer"),
        max_length=255,
        blank=True,
        help_text=_("Shown to the customer with the payment"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "-id"], name="payment_account_recent"),
            models.Index(
                fields=["status", "id"], condition=Q(status="pending"), name="payment_pending"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # Approved if and only if the deposit exists.
            models.CheckConstraint(
                condition=(
                    Q(status="approved", ledger_entry__isnull=False)
                    | (~Q(status="approved") & Q(ledger_entry__isnull=True))
                ),
                name="payment_approved_has_deposit",
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == PaymentStatus.PENDING
