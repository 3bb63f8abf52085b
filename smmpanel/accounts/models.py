from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.money import MAX_DIGITS, SCALE


def money_field(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=MAX_DIGITS, decimal_places=SCALE, **kwargs)


class Rank(models.Model):
    """A customer rank the operator defines: customers who spent at least `min_spent` (charges
    less refunds) hold the highest rank they reach, and its discount (accounts.ranks)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    min_spent = money_field(verbose_name=_("spent at least"))
    discount = models.DecimalField(_("discount (percent)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["min_spent", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_spent__gte=0), name="rank_min_spent_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount__gte=0, discount__lt=100), name="rank_discount_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A customer of the panel: their balance and the hash of their API key.

    The balance is only ever written by `smmpanel.accounts.ledger`, together with a ledger entry.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account"
    )
    balance = money_field(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # SHA-256 of the key: keys are long random tokens, so a fast hash looked up by index is safe.
    api_key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    api_key_hint = models.CharField(
        max_length=8, blank=True, help_text="The key's first characters"
    )
    # The operator's custom price for this customer: percent off every service's rate.
    rate_discount = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, help_text="Percent off every rate"
    )
    # The rank the customer's spending reached, and its discount, kept together by
    # accounts.ranks (the charge reads the discount without another query).
    rank = models.ForeignKey(Rank, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="accounts")  # fmt: skip
    rank_discount = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    # Whether the operator set a custom rate of some service for this customer (catalog's
    # CustomRate): only then does placing an order look one up.
    has_custom_rates = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The customer's preferences for the web panel (the API ignores them).
    timezone = models.CharField(max_length=64, default="UTC")
    language = models.CharField(max_length=8, blank=True, help_text="Empty: the browser's")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="account_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(rate_discount__gte=0, rate_discount__lt=100),
                name="account_rate_discount_range",
            ),
            models.CheckConstraint(
                condition=Q(rank_discount__gte=0, rank_discount__lt=100),
                name="account_rank_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_username()

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def discount(self) -> Decimal:
        """Percent off every rate: the operator's for this customer or the rank's, the larger."""
        return max(self.rate_discount, self.rank_discount)


class LedgerEntry(models.Model):
    """One change of one balance: the signed amount and the balance it left."""

    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("Deposit")
        CHARGE = "charge", _("Order charge")
        REFUND = "refund", _("Refund")
        ADJUSTMENT = "adjustment", _("Manual adjustment")
        # A deposit bonus or a coupon: money the panel gives, kept apart from deposits (an
        # affiliate's commission is a share of deposits, never of bonuses).
        BONUS = "bonus", _("Bonus")
        # An affiliate's commissions paid out to their balance (affiliates.payouts).
        COMMISSION = "commission", _("Affiliate commission")

    # Indexed by ledger_account_recent (its first column).
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="ledger", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    amount = money_field()
    balance_after = money_field()
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger"
    )
    # Indexed by ledger_product_order, over the few entries that have one: an order's charge
    # then writes no index page for it.
    product_order = models.ForeignKey(
        "orders.ProductOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger",
        db_index=False,
    )
    # The post of an unlimited subscription this charge pays for (1, 2, …): such a subscription
    # is charged as its posts are served, each post once.
    post = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["account", "-id"], name="ledger_account_recent"),
            models.Index(
                fields=["product_order"],
                condition=Q(product_order__isnull=False),
                name="ledger_product_order",
            ),
        ]
        constraints = [
            # A second refund of an order is impossible, not merely avoided.
            models.UniqueConstraint(
                fields=["order"], condition=Q(kind="refund"), name="one_refund_per_order"
            ),
            models.UniqueConstraint(
                fields=["product_order"],
                condition=Q(kind="refund"),
                name="one_refund_per_product_order",
            ),
            # A served post is charged once, whatever retries and concurrent workers do.
            models.UniqueConstraint(
                fields=["order", "post"],
                condition=Q(kind="charge", post__isnull=False),
                name="one_charge_per_post",
            ),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="ledger_balance_after"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.account})"
