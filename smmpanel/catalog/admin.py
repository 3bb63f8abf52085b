"""The operator's view of the catalog: categories, services, products and their stock.

The catalog is plain data, so it is edited in place; the service form checks its values with the
same rules as `catalog.operations.create_service`.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest

from smmpanel.catalog.models import (
    Category,
    Fulfilment,
    Product,
    ProductItem,
    Service,
    ServiceRoute,
)
from smmpanel.catalog.operations import CatalogError, check_service

SERVICE_CHECKED_FIELDS = ("name", "type", "rate", "min_quantity", "max_quantity", "fulfilment")


class ServiceForm(forms.ModelForm):
    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean() or {}
        if any(name in self.errors for name in SERVICE_CHECKED_FIELDS):
            return cleaned_data
        # The changelist's form holds only the list_editable fields; the rest are the instance's.
        values = {
            name: cleaned_data.get(name, getattr(self.instance, name))
            for name in SERVICE_CHECKED_FIELDS
        }
        try:
            check_service(**values)
        except CatalogError as error:
            raise forms.ValidationError(error.message, code=str(error.code)) from None
        return cleaned_data


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "service_count", "product_count"]
    list_editable = ["sort_order"]
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
        # The admin hands the formset the service with the submitted values applied.
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


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
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
    list_editable = ["rate", "active"]
    list_filter = ["category", "type", "fulfilment", "active"]
    list_select_related = ["category"]
    search_fields = ["name"]
    readonly_fields = ["updated_at"]

    def get_changelist_form(self, request: HttpRequest, **kwargs: Any) -> type[forms.ModelForm]:
        kwargs.setdefault("form", ServiceForm)
        return super().get_changelist_form(request, **kwargs)


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


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        unsold = Q(items__product_order__isnull=True)
        return super().get_queryset(request).annotate(stock=Count("items", filter=unsold))

    @admin.display(description="in stock", ordering="stock")
    def in_stock(self, product: Product) -> int | str:
        if product.type == Product.Type.SERVICE:
            return "-"  # fulfilled by hand, not from stock
        return product.stock  # type: ignore[attr-defined]
