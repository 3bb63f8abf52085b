from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import Account, money_field
from smmpanel.catalog.models import Product, Service


class OrderStatus(models.TextChoices):
    PENDING = "Pending", _("Pending")
    IN_PROGRESS = "In progress", _("In progress")
    PROCESSING = "Processing", _("Processing")
    COMPLETED = "Completed", _("Completed")
    PARTIAL = "Partial", _("Partial")
    CANCELED = "Canceled", _("Canceled")
    # The subscription vocabulary (Subscriptions orders only).
    ACTIVE = "Active", _("Active")
    PAUSED = "Paused", _("Paused")
    EXPIRED = "Expired", _("Expired")


# The statuses each kind of order reports (the protocol's two vocabularies).
ORDER_STATUSES = frozenset(
    {
        OrderStatus.PENDING,
        OrderStatus.IN_PROGRESS,
        OrderStatus.PROCESSING,
        OrderStatus.COMPLETED,
        OrderStatus.PARTIAL,
        OrderStatus.CANCELED,
    }
)
SUBSCRIPTION_STATUSES = frozenset(
    {
        OrderStatus.PENDING,
        OrderStatus.ACTIVE,
        OrderStatus.PAUSED,
        OrderStatus.COMPLETED,
        OrderStatus.EXPIRED,
        OrderStatus.CANCELED,
    }
)
PRODUCT_ORDER_STATUSES = ORDER_STATUSES - {OrderStatus.PROCESSING}

FINAL_STATUSES = frozenset(
    {OrderStatus.COMPLETED, OrderStatus.PARTIAL, OrderStatus.CANCELED, OrderStatus.EXPIRED}
)


# The longest link an order keeps: its column's length, and what orders.validation accepts.
LINK_MAX_LENGTH = 2000


class Order(models.Model):
    """A customer's order of a service. Its status only changes through `orders.status`."""

    # Not indexed on their own: the account leads order_account_recent, and an index led by the
    # service would cost every order a page write at a random place of it (see link_guard).
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    link = models.CharField(max_length=LINK_MAX_LENGTH, blank=True)
    # Units per run; the whole order is quantity × runs.
    quantity = models.PositiveBigIntegerField()
    runs = models.PositiveIntegerField(null=True, blank=True)
    interval = models.PositiveIntegerField(null=True, blank=True, help_text="Minutes between runs")
    # The type's own parameters (comments, usernames, hashtag, subscription fields, …).
    details = models.JSONField(default=dict, blank=True)
    charge = money_field()
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    start_count = models.BigIntegerField(null=True, blank=True)
    remains = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The worker's queue: due work and the lease of whoever holds it.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Safe retries: the customer's key for this request and a digest of its parameters.
    # NULL, not "": no key, so the unique constraint leaves such orders alone.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, db_default="")
    # Looked at by the duplicate-link rule (orders.link_guard), and so indexed by service and link.
    link_guarded = models.BooleanField(default=False, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="order_idempotency_key",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-id"], name="order_account_recent"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(next_attempt_at__isnull=False),
                name="order_due",
            ),
            models.Index(
                fields=["service", "link"],
                condition=Q(link_guarded=True),
                name="order_guarded_link",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.pk}"

    @property
    def total_quantity(self) -> int:
        return self.quantity * (self.runs or 1)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class Run(models.Model):
    """One run of a drip-feed order: `quantity` units placed when due. The parent order's status
    and remains aggregate its runs."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="dripfeed_runs")
    number = models.PositiveIntegerField()
    quantity = models.PositiveBigIntegerField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    start_count = models.BigIntegerField(null=True, blank=True)
    remains = models.BigIntegerField()

    class Meta:
        ordering = ["order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="one_run_per_number"),
        ]

    def __str__(self) -> str:
        return f"run {self.number} of order {self.order_id}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class RefillStatus(models.TextChoices):
    PENDING = "Pending", _("Pending")
    IN_PROGRESS = "In progress", _("In progress")
    COMPLETED = "Completed", _("Completed")
    REJECTED = "Rejected", _("Rejected")
    ERROR = "Error", _("Error")


class Refill(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refills")
    status = models.CharField(
        max_length=16, choices=RefillStatus.choices, default=RefillStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # At most one refill in flight per order.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["Pending", "In progress"]),
                name="one_open_refill_per_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(next_attempt_at__isnull=False),
                name="refill_due",
            ),
        ]

    def __str__(self) -> str:
        return f"refill {self.pk}"


class CancelStatus(models.TextChoices):
    PENDING = "Pending", _("Pending")
    # The order was canceled (or ended Partial).
    ACCEPTED = "Accepted", _("Accepted")
    REJECTED = "Rejected", _("Rejected")


class CancelRequest(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="cancel_requests")
    status = models.CharField(
        max_length=16, choices=CancelStatus.choices, default=CancelStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="Pending"), name="one_open_cancel_per_order"
            ),
        ]

    def __str__(self) -> str:
        return f"cancel of order {self.order_id}"


class ProductOrder(models.Model):
    """An order of a digital product; its delivered items are its `items`."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="product_orders")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField()
    require = models.TextField(blank=True)
    charge = money_field()
    status = models.CharField(
        max_length=16, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    remains = models.PositiveIntegerField(default=0)
    # What the operator delivered by hand (Service products), one item per line.
    result = models.TextField(blank=True)
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # NULL, not "": no key, so the unique constraint leaves such orders alone.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)  # noqa: DJ001
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, db_default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="product_order_idempotency_key",
            ),
        ]
        indexes = [models.Index(fields=["account", "-id"], name="product_order_account_recent")]

    def __str__(self) -> str:
        return f"product order {self.pk}"
