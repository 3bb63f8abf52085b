from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smmpanel.accounts.models import money_field
from smmpanel.catalog.order_types import OrderType


class Category(models.Model):
    name = models.CharField(max_length=255, unique=True)
    sort_order = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Fulfilment(models.TextChoices):
    MANUAL = "manual", _("Manual (the operator sets statuses)")
    SIMULATED = "simulated", _("Simulated (built-in fake upstream)")
    PROVIDER = "provider", _("Upstream provider")


class InactiveReason(models.TextChoices):
    """Why a service is disabled: a provider sync enables again only what it disabled itself."""

    NONE = "", _("Active")
    OPERATOR = "operator", _("Disabled by the operator")
    UNLISTED = "unlisted", _("No provider lists it")
    PRICE_RISE = "price_rise", _("The provider's price rose too much")


class Service(models.Model):
    """Something the panel sells, priced per 1000 units (per package for package types)."""

    # Translated field names: the back-office's audit log names the fields it shows changed.
    name = models.CharField(_("name"), max_length=500)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="services", verbose_name=_("category")
    )
    type = models.CharField(
        _("type"), max_length=32, choices=OrderType.choices, default=OrderType.DEFAULT
    )
    rate = money_field(
        verbose_name=_("rate per 1000"), help_text="Price per 1000 (per package for package types)"
    )
    min_quantity = models.PositiveBigIntegerField(_("minimum"), default=1)
    max_quantity = models.PositiveBigIntegerField(_("maximum"), default=1)
    refill = models.BooleanField(_("refill"), default=False)
    refill_days = models.PositiveIntegerField(
        _("refill window (days)"), default=30, help_text="Refill window in days"
    )
    cancel = models.BooleanField(_("cancel"), default=False)
    dripfeed = models.BooleanField(_("drip-feed"), default=False)
    description = models.TextField(_("description"), blank=True)
    average_time = models.PositiveIntegerField(
        _("average time"),
        null=True,
        blank=True,
        help_text="Minutes per 1000; measured from completed orders once there are enough",
    )
    # Off when empty. The worker asks a refill by itself at this interval while a completed
    # order is inside its refill window (orders.auto_refills).
    auto_refill_hours = models.PositiveIntegerField(_("auto-refill every (hours)"), null=True,
                                                    blank=True)  # fmt: skip
    # Off when empty. An order not started after this long is canceled upstream and, once the
    # provider confirms, placed on the next route (providers.reroutes).
    reroute_after_minutes = models.PositiveIntegerField(
        _("reroute when not started after (minutes)"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    inactive_reason = models.CharField(
        _("why disabled"),
        max_length=16,
        choices=InactiveReason.choices,
        blank=True,
        default=InactiveReason.NONE,
    )
    fulfilment = models.CharField(
        _("fulfilment"), max_length=16, choices=Fulfilment.choices, default=Fulfilment.MANUAL
    )
    sort_order = models.IntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0), name="service_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__lte=models.F("max_quantity")),
                name="service_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.name}"


class Product(models.Model):
    """A digital good (the protocol's `products` extension): delivered from stock or by hand."""

    class Type(models.TextChoices):
        AUTO = "Auto"  # delivered from the stock of items at once
        SERVICE = "Service"  # the operator fulfils it by hand

    name = models.CharField(max_length=500)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    require = models.CharField(
        max_length=255,
        blank=True,
        help_text="What the customer must give, e.g. 'Input your account'",
    )
    rate = money_field(help_text="Price per unit")
    min_quantity = models.PositiveIntegerField(default=1)
    max_quantity = models.PositiveIntegerField(default=1)
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.AUTO)
    active = models.BooleanField(default=True)
    sort_order = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0), name="product_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__gte=1, min_quantity__lte=models.F("max_quantity")),
                name="product_min_not_above_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.name}"


class ProductItem(models.Model):
    """One unit of stock of an Auto product; `product_order` is set when it is delivered."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="items")
    value = models.TextField()
    product_order = models.ForeignKey(
        "orders.ProductOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["product", "product_order"], name="product_stock")]

    def __str__(self) -> str:
        return f"item {self.pk} of {self.product_id}"


class ServiceRoute(models.Model):
    """A provider service that fulfils a service, tried in `priority` order (lowest first).

    The import keeps `imported_name` to tell the operator's own name from the provider's, and
    `markup` (percent) unless the operator set their own (`own_markup`).
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="routes")
    provider_service = models.ForeignKey(
        "providers.ProviderService", on_delete=models.PROTECT, related_name="routes"
    )
    priority = models.PositiveIntegerField(default=1)
    markup = models.DecimalField(
        max_digits=10, decimal_places=4, default=0, help_text="Percent over the cost"
    )
    own_markup = models.BooleanField(
        default=False, help_text="The operator's markup: an import keeps it"
    )
    imported_name = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["service", "priority", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "provider_service"], name="one_route_per_provider_service"
            ),
            models.CheckConstraint(
                condition=models.Q(markup__gte=0), name="route_markup_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"route {self.priority} of service {self.service_id}"


class Favorite(models.Model):
    """A service a customer starred: the new order form can list only these."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE,
                                related_name="favorites")  # fmt: skip
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "service"], name="favorite_once")]

    def __str__(self) -> str:
        return f"{self.account_id} ★ {self.service_id}"


class CustomRate(models.Model):
    """The operator's rate of one service for one customer: charged instead of the service's
    rate less discounts (catalog.custom_rates)."""

    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE,
                                related_name="custom_rates")  # fmt: skip
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="custom_rates")
    rate = money_field(verbose_name=_("rate per 1000"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "service"], name="custom_rate_once"),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0), name="custom_rate_not_negative"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.service_id} at {self.rate}"


class ServiceUpdate(models.Model):
    """A change a customer cares about (the public Updates page), written by the catalog's
    actions whoever made the change: an operator or a provider sync."""

    class Kind(models.TextChoices):
        PRICE_UP = "price_up", _("Price up")
        PRICE_DOWN = "price_down", _("Price down")
        DISABLED = "disabled", _("Disabled")
        ENABLED = "enabled", _("Enabled")
        NEW = "new", _("New service")
        RANGE = "range", _("Min/max changed")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old = models.CharField(max_length=100, blank=True)
    new = models.CharField(max_length=100, blank=True)
    hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["hidden", "-created_at"], name="service_update_shown")]

    def __str__(self) -> str:
        return f"{self.kind} of service {self.service_id}"

    @property
    def is_price(self) -> bool:
        return self.kind in (self.Kind.PRICE_UP, self.Kind.PRICE_DOWN)

    @property
    def old_rate(self) -> Decimal | None:
        return Decimal(self.old) if self.is_price else None

    @property
    def new_rate(self) -> Decimal | None:
        return Decimal(self.new) if self.kind in PRICED else None


PRICED = (ServiceUpdate.Kind.PRICE_UP, ServiceUpdate.Kind.PRICE_DOWN, ServiceUpdate.Kind.NEW)
