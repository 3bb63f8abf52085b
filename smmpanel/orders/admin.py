"""Orders, refills, cancel requests and product orders, inspected (see staff/inspector.py);
operators set statuses, decide refills, cancels and reviews in the back-office. Kept here because
the back-office has no page for it yet: the outcome of a Service product's order (status,
remains, result, note), reported through `orders.product_orders.set_product_order_status`,
which decides the refund and records itself; the admin never writes the fields itself."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Product
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import CancelRequest, Order, ProductOrder, Refill
from smmpanel.orders.product_orders import delivered_items, set_product_order_status
from smmpanel.staff.inspector import Inspector, is_superuser


def ledger_link(field: str, pk: int) -> str:
    url = reverse("admin:accounts_ledgerentry_changelist")
    return format_html('<a href="{}?{}__id__exact={}">Ledger entries</a>', url, field, pk)


class NeedsReviewFilter(admin.SimpleListFilter):
    """Orders whose upstream outcome is unknown (see the providers' "orders needing review")."""

    title = "upstream"
    parameter_name = "upstream"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("review", "Needs review")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "review":
            return queryset.filter(upstream_orders__state="review").distinct()
        return queryset


@admin.register(Order)
class OrderAdmin(Inspector):
    list_display = [
        "id",
        "account",
        "service",
        "short_link",
        "quantity",
        "charge",
        "status",
        "start_count",
        "remains",
        "created_at",
    ]
    list_filter = ["status", "service__fulfilment", NeedsReviewFilter]
    list_select_related = ["account__user", "service"]
    search_fields = ["link", "account__user__username"]
    search_help_text = "An order id, a link or a username"
    ordering = ["-id"]
    fields = (
        "account",
        "service",
        "link",
        "quantity",
        "runs",
        "interval",
        "details",
        "charge",
        "status",
        "start_count",
        "remains",
        "ledger",
        "created_at",
        "updated_at",
        "completed_at",
        "next_attempt_at",
        "lease_expires_at",
    )

    @admin.display(description="link", ordering="link")
    def short_link(self, order: Order) -> str:
        return Truncator(order.link).chars(60)

    @admin.display(description="ledger")
    def ledger(self, order: Order) -> str:
        return ledger_link("order", order.pk)


class OrderRequestAdmin(Inspector):
    """A refill or cancel request, found by its order's id or its customer's name."""

    list_filter = ["status", "order__service__fulfilment"]
    list_select_related = ["order__account__user", "order__service"]
    search_fields = ["order__account__user__username"]
    search_help_text = "An order id or a username"
    id_search_field = "order_id"
    ordering = ["-id"]

    @admin.display(description="account", ordering="order__account__user__username")
    def account(self, row: Refill | CancelRequest) -> str:
        return str(row.order.account)

    @admin.display(description="fulfilment", ordering="order__service__fulfilment")
    def fulfilment(self, row: Refill | CancelRequest) -> str:
        return row.order.service.get_fulfilment_display()


@admin.register(Refill)
class RefillAdmin(OrderRequestAdmin):
    list_display = ["id", "order", "account", "fulfilment", "status", "created_at", "updated_at"]
    fields = ("order", "status", "created_at", "updated_at", "next_attempt_at", "lease_expires_at")


@admin.register(CancelRequest)
class CancelRequestAdmin(OrderRequestAdmin):
    list_display = ["id", "order", "account", "order_status", "fulfilment", "status", "created_at"]
    fields = ("order", "status", "created_at", "updated_at")

    @admin.display(description="order status", ordering="order__status")
    def order_status(self, cancel: CancelRequest) -> str:
        return cancel.order.status


class Refused(Exception):
    """The operator's report was not carried out; the message says why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


PRODUCT_ORDER_FIELDS = (
    "account",
    "product",
    "quantity",
    "require",
    "charge",
    "status",
    "remains",
    "result",
    "note",
    "delivered",
    "ledger",
    "created_at",
    "updated_at",
)
OUTCOME_FIELDS = ("status", "remains", "result", "note")


@admin.register(ProductOrder)
class ProductOrderAdmin(Inspector):
    """Read-only, except the outcome of a Service product's order: saving hands it to
    `set_product_order_status`; a refusal becomes an error message, and nothing is saved."""

    list_display = [
        "id",
        "account",
        "product",
        "quantity",
        "charge",
        "status",
        "remains",
        "created_at",
    ]
    list_filter = ["status", "product__type"]
    list_select_related = ["account__user", "product"]
    search_fields = ["account__user__username"]
    search_help_text = "An order id or a username"
    ordering = ["-id"]
    fields = PRODUCT_ORDER_FIELDS

    @staticmethod
    def takes_outcome(order: ProductOrder | None) -> bool:
        return order is not None and order.product.type == Product.Type.SERVICE

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request) and self.takes_outcome(obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(name for name in PRODUCT_ORDER_FIELDS if name not in OUTCOME_FIELDS)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not form.has_changed():
            return
        values = {name: form.cleaned_data[name] for name in OUTCOME_FIELDS}
        try:
            result = set_product_order_status(
                product_order_id=obj.pk, acting_user=Actor.of_request(request), **values
            )
        except OrderError as error:
            raise Refused(f"{error.message}; nothing was saved.") from error
        # A finished order keeps its outcome: say so (the view's transaction then rolls back)
        # rather than claim a change.
        for name, value in values.items():
            if value not in (None, "") and getattr(result, name) != value:
                raise Refused(
                    f"Nothing was saved: {result} ({result.status}) can't take {name} = {value}."
                )

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        """Not logged a second time: `set_product_order_status` wrote its audit entry."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refusal:
            # The view's transaction was rolled back: nothing of the submission was written.
            self.message_user(request, refusal.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.display(description="delivered items")
    def delivered(self, order: ProductOrder) -> str:
        items = delivered_items(order)
        return format_html_join(mark_safe("<br>"), "{}", ((item,) for item in items)) or "-"

    @admin.display(description="ledger")
    def ledger(self, order: ProductOrder) -> str:
        return ledger_link("product_order", order.pk)
