"""Referral links, the customers they bring, and the commissions earned on their deposits.

What must happen once is the database's rule: one code per affiliate, one referral per referred
customer (tied or refused, forever), one commission per deposit's ledger entry, one ledger entry
per payout.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import money_field


class Affiliate(models.Model):
    """A customer's referral link (made the first time it is shown) and the staff's override
    of the panel-wide commission percent."""

    account = models.OneToOneField(
        "accounts.Account", on_delete=models.PROTECT, primary_key=True, related_name="affiliate"
    )
    code = models.CharField(max_length=16, unique=True)
    # None: the panel's percent (configuration) applies.
    percent = models.DecimalField(
        _("Commission percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=0, percent__lte=100),
                name="affiliate_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Visit(models.Model):
    """One opening of a referral link."""

    affiliate = models.ForeignKey(Affiliate, on_delete=models.CASCADE, related_name="visits")
    ip = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"visit {self.pk} of {self.affiliate_id}"


class Sighting(models.Model):
    """An address and device a customer logged in or opened their affiliate page from: what a
    sign-up through their own link is compared with."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="sightings"
    )
    ip = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=32, blank=True)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "ip", "device"], name="one_sighting"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} from {self.ip or '?'}"


class Referral(models.Model):
    """A sign-up through a referral link: tied to its affiliate, or refused with the reason.
    Decided once per referred customer, forever."""

    class Status(models.TextChoices):
        TIED = "tied", _("Tied")
        REFUSED = "refused", _("Refused")

    class Refusal(models.TextChoices):
        SAME_CUSTOMER = "same_customer", _("The same customer")
        SAME_ADDRESS = "same_address", _("The same IP address as the affiliate")
        SAME_DEVICE = "same_device", _("The same device as the affiliate")

    affiliate = models.ForeignKey(
        Affiliate, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("Affiliate")
    )
    referred = models.OneToOneField(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="referral",
        verbose_name=_("New customer"),
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("Visit")
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices)
    refusal = models.CharField(_("Reason"), max_length=32, choices=Refusal.choices, blank=True)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    device = models.CharField(_("Device"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The referred customer's first credited deposit: a conversion.
    converted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.referred_id} by {self.affiliate_id} ({self.status})"


class Payout(models.Model):
    """Available commissions paid together: to the affiliate's balance at once (one ledger
    entry), or as a request staff approve (paid outside the panel) or decline."""

    class Method(models.TextChoices):
        BALANCE = "balance", _("To the balance")
        REQUEST = "request", _("Paid by staff")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        PAID = "paid", _("Paid")
        DECLINED = "declined", _("Declined")

    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="payouts")
    method = models.CharField(_("How"), max_length=16, choices=Method.choices)
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices)
    amount = money_field(verbose_name=_("Amount"))
    ledger_entry = models.OneToOneField(
        "accounts.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliate_payout",
        verbose_name=_("Ledger entry"),
    )
    # What the affiliate asked for (a wallet, an account number) and what staff noted.
    details = models.CharField(_("Where to pay"), max_length=255, blank=True)
    note = models.CharField(_("Note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            # A payout to the balance is paid by its ledger entry, and only that way.
            models.CheckConstraint(
                condition=Q(method="balance", status="paid", ledger_entry__isnull=False)
                | Q(method="request", ledger_entry__isnull=True),
                name="payout_balance_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"payout {self.pk} ({self.status})"


class Commission(models.Model):
    """The affiliate's share of one deposit of a referred customer. Pending until
    `available_at` (the chargeback window), then available until paid out; canceled when its
    deposit is reversed before it is paid."""

    class Status(models.TextChoices):
        # Stored: pending (available once `available_at` passed), paid, canceled.
        PENDING = "pending", _("Pending")
        AVAILABLE = "available", _("Available")
        PAID = "paid", _("Paid")
        CANCELED = "canceled", _("Canceled")

    affiliate = models.ForeignKey(Affiliate, on_delete=models.PROTECT, related_name="commissions")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="commissions")
    # The deposit it is a share of: one commission per deposit, whatever retries do.
    deposit_entry = models.OneToOneField(
        "accounts.LedgerEntry", on_delete=models.PROTECT, related_name="affiliate_commission"
    )
    base = money_field()
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = money_field(verbose_name=_("Commission"))
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    available_at = models.DateTimeField()
    payout = models.ForeignKey(
        Payout,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissions",
        verbose_name=_("Payout"),
    )
    # Why it was canceled, or that its deposit was reversed after it was paid.
    note = models.CharField(_("Note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["affiliate", "status"], name="commission_affiliate")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="available"), name="commission_available_by_date"
            ),
            models.CheckConstraint(
                condition=Q(status="paid", payout__isnull=False) | ~Q(status="paid"),
                name="commission_paid_has_payout",
            ),
        ]

    def __str__(self) -> str:
        return f"commission {self.pk} ({self.status})"

    def state(self, now) -> str:  # type: ignore[no-untyped-def]
        """The status as the affiliate sees it: pending turns available by date."""
        if self.status == self.Status.PENDING and self.available_at <= now:
            return self.Status.AVAILABLE
        return self.status
