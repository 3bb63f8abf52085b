"""The catalog, inspected (see staff/inspector.py); operators edit services and categories in the
back-office. Kept here because the back-office has no page for them yet: a service's provider
routes (added, removed, reprioritised), and products with their stock."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from smmpanel.catalog.models import (
    Category,
    Fulfilment,
    Product,
    ProductItem,
    Service,
    ServiceRoute,
)
from smmpanel.staff.inspector import Inspector, is_superuser


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


class RouteFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.instance.fulfilment != Fulfilment.PROVIDER:
            return
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not kept:
            raise forms.ValidationError("A provider service needs a provider route")


class ServiceRouteInline(admin.TabularInline):
    """The provider services fulfilling this service, lowest priority number first."""

    model = ServiceRoute
    formset = RouteFormSet
    fields = ["priority", "provider_service", "markup", "own_markup", "imported_name"]
    readonly_fields = ["imported_name"]
    autocomplete_fields = ["provider_service"]
    extra = 0
    verbose_name = "provider route"

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


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
    """The service itself is read-only here; only its routes are edited."""

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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        """Nothing of the service is written here (its fields are read-only)."""


class StockInline(admin.TabularInline):
    """The product's unsold items, one line each; sold ones belong to their order now."""

    model = ProductItem
    fields = ["value", "created_at"]
    readonly_fields = ["created_at"]
    extra = 3
    verbose_name = "stock item"
    verbose_name_plural = "stock (unsold items)"
    formfield_overrides = {
        # One item is usually one line (an account, a code); the widget stays small.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 80})},
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductItem]:
        return super().get_queryset(request).filter(product_order__isnull=True)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


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
    readonly_fields = ["updated_at"]
    inlines = [StockInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        unsold = Q(items__product_order__isnull=True)
        return super().get_queryset(request).annotate(stock=Count("items", filter=unsold))

    @admin.display(description="in stock", ordering="stock")
    def in_stock(self, product: Product) -> int | str:
        if product.type == Product.Type.SERVICE:
            return "-"  # fulfilled by hand, not from stock
        return product.stock  # type: ignore[attr-defined]
