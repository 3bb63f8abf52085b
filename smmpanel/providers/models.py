"""Upstream providers, their catalogs as last imported, and what was sent to them.

An `UpstreamOrder` is one attempt to place an order with a provider. It is written (state
`sending`) and committed *before* the provider is called, so that a crash between the call and
recording its answer leaves a trace: such an attempt goes to `review`, never out again by itself.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import money_field
from smmpanel.orders.models import Order, Refill

RATE_DIGITS = 20
RATE_DECIMALS = 10


class Provider(models.Model):
    """An upstream panel speaking API v2. Its key is stored encrypted (see `providers.keys`)."""

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(max_length=500, help_text="The full API URL, e.g. https://x.com/api/v2")
    key_encrypted = models.TextField(editable=False)
    key_hint = models.CharField(max_length=16, blank=True, editable=False)
    dialect = models.TextField(default="{}", help_text="The API dialect, as JSON")
    currency = models.CharField(max_length=8, blank=True, help_text="The provider's currency")
    exchange_rate = models.DecimalField(
        max_digits=RATE_DIGITS,
        decimal_places=RATE_DECIMALS,
        default=1,
        help_text="Panel currency per one unit of the provider's currency",
    )
    enabled = models.BooleanField(default=True)
    balance = money_field(null=True, blank=True, editable=False)
    balance_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    low_balance = money_field(
        default=0, help_text="Warn when the balance (provider currency) is at or below this"
    )
    last_error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The catalog sync: minutes between syncs (None: SMMPANEL_PROVIDER_SYNC_MINUTES; 0: never),
    # the least margin over cost (percent), and the cost rise (percent) above which a synced
    # service is disabled rather than repriced (None: always reprice).
    sync_minutes = models.PositiveIntegerField(_("minutes between syncs"), null=True, blank=True)
    min_margin = models.DecimalField(
        _("minimum margin (%)"), max_digits=10, decimal_places=4, default=0
    )
    rise_limit = models.DecimalField(
        _("price rise limit (%)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    # The worker's balance polling queue.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exchange_rate__gt=0), name="provider_exchange_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def balance_is_low(self) -> bool:
        return self.balance is not None and self.balance <= self.low_balance


class CatalogSync(models.Model):
    """A provider's scheduled catalog sync: the worker's queue row (due time and lease, apart from
    the provider's balance polls) and how the last sync went, for the back-office."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="catalog_sync")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], name="catalog_sync_due")]

    def __str__(self) -> str:
        return f"catalog sync of provider {self.provider_id}"


class ProviderService(models.Model):
    """A service in the provider's catalog as last imported; rates in the provider's currency."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="services")
    service_id = models.CharField(max_length=64, help_text="The provider's service id")
    name = models.CharField(max_length=500)
    type = models.CharField(max_length=64)
    category = models.CharField(max_length=255)
    rate = models.DecimalField(max_digits=RATE_DIGITS, decimal_places=RATE_DECIMALS)
    min_quantity = models.PositiveBigIntegerField()
    max_quantity = models.PositiveBigIntegerField()
    refill = models.BooleanField(default=False)
    cancel = models.BooleanField(default=False)
    dripfeed = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    # False once the provider no longer lists it: its routes are not used.
    listed = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_id"], name="provider_service_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.name} #{self.service_id} {self.name}"


class UpstreamState(models.TextChoices):
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent (upstream id recorded)")
    REFUSED = "refused", _("Refused by the provider")
    FAILED = "failed", _("Not sent (provider unreachable)")
    REVIEW = "review", _("Needs review (may have been sent)")
    RESOLVED = "resolved", _("Review resolved by the operator")
    REROUTED = "rerouted", _("Canceled there to be placed on the next route")


LIVE_STATES = [UpstreamState.SENDING, UpstreamState.SENT, UpstreamState.REVIEW]


class UpstreamOrder(models.Model):
    """One attempt to place an order (or one run of a drip-feed order) with a provider."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="upstream_orders")
    run = models.ForeignKey(
        "orders.Run",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="upstream_orders",
    )
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    provider_service = models.ForeignKey(
        ProviderService, on_delete=models.PROTECT, related_name="orders"
    )
    state = models.CharField(max_length=16, choices=UpstreamState.choices)
    # NULL until known (unique per provider when set).
    upstream_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # What the provider said last (its raw status, or its error message): plain text.
    raw_status = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    unchanged_polls = models.PositiveIntegerField(default=0)
    cancel_sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the order is stuck here (not started in time, providers.reroutes): the cancel
    # asked is the panel's own, and the provider's Canceled moves the order to the next route.
    reroute_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "upstream_id"],
                condition=Q(upstream_id__isnull=False),
                name="one_order_per_upstream_id",
            ),
            # At most one attempt in flight (or in doubt) per order, or per run.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(state__in=LIVE_STATES, run__isnull=True),
                name="one_live_upstream_per_order",
            ),
            models.UniqueConstraint(
                fields=["run"],
                condition=Q(state__in=LIVE_STATES, run__isnull=False),
                name="one_live_upstream_per_run",
            ),
        ]
        indexes = [models.Index(fields=["state"], name="upstream_order_state")]

    def __str__(self) -> str:
        return f"{self.provider.name} order {self.upstream_id or '?'} for order {self.order_id}"


class UpstreamRefill(models.Model):
    """A customer's refill passed on to the provider (at most once, like orders)."""

    refill = models.OneToOneField(Refill, on_delete=models.PROTECT, related_name="upstream")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="refills")
    state = models.CharField(max_length=16, choices=UpstreamState.choices)
    upstream_id = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.provider.name} refill {self.upstream_id or '?'}"


class OrderInReview(Order):
    """Orders whose upstream outcome is unknown: the back-office lists them for the operator."""

    class Meta:
        proxy = True
        verbose_name = "order needing review"
        verbose_name_plural = "orders needing review"
