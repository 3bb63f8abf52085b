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
    # The currency the customer pays in at the gateway, and how many of its units make one unit
    # of the panel's currency (SMMPANEL_CURRENCY): empty and 1 when they are the same.
    currency = models.CharField(_("currency"), max_length=8, blank=True)
    exchange_rate = models.DecimalField(
        _("exchange rate"), max_digits=20, decimal_places=8, default=1
    )
    # The gateway's fee: a percentage plus a fixed part, in the method's currency. Added to
    # what the customer pays, or absorbed by the panel (the customer pays the amount only).
    fee_percent = models.DecimalField(_("fee %"), max_digits=5, decimal_places=2, default=0)
    fee_fixed = money_field(verbose_name=_("fixed fee"), default=0)
    fee_added = models.BooleanField(_("fee added to the customer's payment"), default=True)
    # The plug-in's credentials (API keys, secrets) as one encrypted JSON object; only hints of
    # them are ever shown back (`credential_hints`).
    credentials = models.TextField(blank=True)
    credential_hints = models.JSONField(default=dict, blank=True)
    # The name and instructions in the panel's other languages: {"id": {"name": …,
    # "instructions": …}, "vi": {…}}; what is missing falls back to `name` / `instructions`.
    translations = models.JSONField(default=dict, blank=True)
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
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="payment_method_rate"),
            models.CheckConstraint(
                condition=Q(fee_percent__gte=0, fee_percent__lt=100, fee_fixed__gte=0),
                name="payment_method_fee",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def shown(self, language: str | None) -> tuple[str, str]:
        """(name, instructions) in `language`, each falling back to the default language's."""
        text = self.translations.get((language or "")[:2], {}) if self.translations else {}
        return (text.get("name") or self.name, text.get("instructions") or self.instructions)


class DepositBonus(models.Model):
    """A bonus tier: a deposit of at least `min_amount` (the panel's currency) through `method`
    (or any method) earns `percent` of it on top. The highest tier that applies is given."""

    method = models.ForeignKey(
        PaymentMethod,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bonuses",
        verbose_name=_("payment method"),
    )
    min_amount = money_field(verbose_name=_("from amount"))
    percent = models.DecimalField(_("bonus %"), max_digits=5, decimal_places=2)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["min_amount", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(min_amount__gt=0), name="deposit_bonus_min"),
            models.CheckConstraint(
                condition=Q(percent__gt=0, percent__lte=100), name="deposit_bonus_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.percent}% from {self.min_amount}"


class Coupon(models.Model):
    """A code worth an `amount` (credited when redeemed) or a `percent` of the next deposit,
    for `uses` customers in all (None: no limit), once per customer, until `expires_at`."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    amount = money_field(verbose_name=_("amount"), null=True, blank=True)
    percent = models.DecimalField(
        _("percent of the deposit"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    uses = models.PositiveIntegerField(_("uses in all"), null=True, blank=True)
    used = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(amount__gt=0, percent__isnull=True)
                    | Q(amount__isnull=True, percent__gt=0, percent__lte=100)
                ),
                name="coupon_amount_or_percent",
            ),
            # Never more redemptions than uses, whatever the race.
            models.CheckConstraint(
                condition=Q(uses__isnull=True) | Q(used__lte=models.F("uses")),
                name="coupon_used_within_uses",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    # Credited, then refunded or charged back at the gateway: see `settlement.reverse`.
    REVERSED = "reversed", _("Reversed")


class Payment(models.Model):
    """A customer's payment. Approving it makes exactly one deposit in the ledger, the entry it
    points to: the one-to-one link and the check below make a second deposit impossible."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="payments")
    method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT, related_name="payments")
    amount = money_field()
    # The customer's transfer reference (manual) or the gateway's transaction id.
    reference = models.CharField(max_length=255, blank=True)
    # The plug-in that handles it, kept when the method later changes plug-in, and the gateway's
    # own id for it: one payment per gateway transaction (payment_gateway_reference_once).
    gateway = models.CharField(max_length=32, blank=True)
    gateway_reference = models.CharField(max_length=255, blank=True)
    # What the customer pays at the gateway: `amount` in the method's currency, with the fee
    # when it is added. A notification must report exactly this, in this currency.
    gateway_amount = money_field(null=True, blank=True)
    currency = models.CharField(max_length=8, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    # A gateway payment still waiting is asked about (polled by the worker: `polling`) until
    # it expires; the worker's claim is a lease, as on orders.
    expires_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # The coupon the customer gave with it (a percent of this deposit), and the bonus entry a
    # tier gave: one of each per payment at most (the one-to-one links).
    coupon = models.ForeignKey(
        Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    bonus_entry = models.OneToOneField(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="payment_bonus"
    )
    # What a chargeback could not take back from the balance (spent already): the debt.
    unrecovered = money_field(default=0)
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
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(next_attempt_at__isnull=False),
                name="payment_due_check",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # Credited (approved, or approved then reversed) if and only if the deposit exists.
            models.CheckConstraint(
                condition=(
                    Q(status__in=["approved", "reversed"], ledger_entry__isnull=False)
                    | (~Q(status__in=["approved", "reversed"]) & Q(ledger_entry__isnull=True))
                ),
                name="payment_credited_has_deposit",
            ),
            # A gateway's transaction is credited to one payment at most.
            models.UniqueConstraint(
                fields=["gateway", "gateway_reference"],
                condition=~Q(gateway_reference=""),
                name="payment_gateway_reference_once",
            ),
            models.CheckConstraint(condition=Q(unrecovered__gte=0), name="payment_unrecovered"),
        ]

    def __str__(self) -> str:
        return f"payment {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == PaymentStatus.PENDING


class PaymentEvent(models.Model):
    """One thing that happened to a payment, for its history page: created, a notification or
    a status check and what the panel made of it, credited, expired, reversed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Payment created")
        NOTIFICATION = "notification", _("Notification")
        CHECK = "check", _("Status check")
        CREDITED = "credited", _("Credited")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")
        REVERSED = "reversed", _("Reversed")
        REFUSED = "refused", _("Refused")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # What the gateway said (its state, amount, currency, id) and what the panel made of it.
    state = models.CharField(max_length=16, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["payment", "id"], name="payment_event_history")]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind}"


class UnmatchedTransfer(models.Model):
    """An incoming bank transfer a bank-matching gateway (SePay, Casso, Moota) reported that
    the panel did not credit by itself: no payment code in its description, a code of no
    waiting payment, two codes, another amount. Kept for the operator, once per transfer."""

    class Reason(models.TextChoices):
        NO_CODE = "no_code", _("No payment code in the description")
        UNKNOWN_CODE = "unknown_code", _("The code names no waiting payment")
        AMBIGUOUS = "ambiguous", _("Several payment codes in the description")
        AMOUNT = "amount", _("The amount is not the payment's")
        DECIDED = "decided", _("The payment was already decided")

    gateway = models.CharField(max_length=32)
    method = models.ForeignKey(
        PaymentMethod, null=True, on_delete=models.SET_NULL, related_name="unmatched_transfers"
    )
    # The bank transaction's id at the gateway: one row per transfer, however often reported.
    transfer_id = models.CharField(max_length=255)
    amount = money_field()
    currency = models.CharField(max_length=8, blank=True)
    description = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    # The payment the code named, when it named one.
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["gateway", "transfer_id"], name="unmatched_transfer_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.transfer_id}"


class CouponRedemption(models.Model):
    """A customer's use of a coupon: once per customer (coupon_once_per_customer), its ledger
    entry once (the one-to-one link)."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="coupon_redemptions"
    )
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="redemption"
    )
    ledger_entry = models.OneToOneField(
        LedgerEntry, on_delete=models.PROTECT, related_name="coupon_redemption"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["coupon", "account"], name="coupon_once_per_customer")
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} by {self.account_id}"
