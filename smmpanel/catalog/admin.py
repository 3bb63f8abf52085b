"""The catalog, inspected (see staff/inspector.py); operators edit services, their provider
routes, categories and products with their stock in the back-office."""

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from smmpanel.catalog.models import (
    Category,
    Product,
    ProductItem,
    Service,
    ServiceRoute,
)
from smmpanel.staff.inspector import Inspector, InspectorInline


@admin.register(Category)
class CategoryAdmin(Inspector):
    list_display = ["name", "sort_order", "service_count", "product_count"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                service_count=Count("services", distinct=True),
                product_count=Count("products", distinct=True),
            )
        )

    @admin.display(description="services", ordering="service_count")
    def service_count(self, category: Category) -> int:
        return category.service_count  # type: ignore[attr-defined]

    @admin.display(description="products", ordering="product_count")
    def product_count(self, category: Category) -> int:
        return category.product_count  # type: ignore[attr-defined]


class ServiceRouteInline(InspectorInline):
    """The provider services fulfilling this service, lowest priority number first."""

    model = ServiceRoute
    fields = readonly_fields = ("priority", "provider_service", "markup", "own_markup",
                                "imported_name")  # fmt: skip
    verbose_name = "provider route"


SERVICE_FIELDS = (
    "name",
    "category",
    "type",
    "rate",
    "min_quantity",
    "max_quantity",
    "fulfilment",
    "refill",
    "refill_days",
    "cancel",
    "dripfeed",
    "active",
    "description",
    "average_time",
    "sort_order",
    "updated_at",
)


@admin.register(Service)
class ServiceAdmin(Inspector):
    """A service and its routes, read-only (edited in the back-office)."""

    inlines = [ServiceRouteInline]
    list_display = [
        "id",
        "name",
        "category",
        "type",
        "rate",
        "min_quantity",
        "max_quantity",
        "fulfilment",
        "active",
    ]
    list_display_links = ["id", "name"]
    list_filter = ["category", "type", "fulfilment", "active"]
    list_select_related = ["category"]
    search_fields = ["name"]
    fields = readonly_fields = SERVICE_FIELDS


class StockInline(InspectorInline):
    """The product's unsold items, one line each; sold ones belong to their order now."""

    model = ProductItem
    fields = readonly_fields = ("value", "created_at")
    verbose_name = "stock item"
    verbose_name_plural = "stock (unsold items)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductItem]:
        return super().get_queryset(request).filter(product_order__isnull=True)


@admin.register(Product)
class ProductAdmin(Inspector):
    list_display = [
        "id",
        "name",
        "category",
        "type",
        "rate",
        "min_quantity",
        "max_quantity",
        "in_stock",
        "active",
    ]
    list_display_links = ["id", "name"]
    list_filter = ["category", "type", "active"]
    list_select_related = ["category"]
    search_fields = ["name"]
    fields = readonly_fields = ("name", "category", "require", "rate", "min_quantity",
                                "max_quantity", "type", "active", "sort_order",
                                "updated_at")  # fmt: skip
    inlines = [StockInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        unsold = Q(items__product_order__isnull=True)
        return super().get_queryset(request).annotate(stock=Count("items", filter=unsold))

    @admin.display(description="in stock", ordering="stock")
    def in_stock(self, product: Product) -> int | str:
        if product.type == Product.Type.SERVICE:
            return "-"  # fulfilled by hand, not from stock
        return product.stock  # type: ignore[attr-defined]
