"""The operator's view of orders, refills, cancel requests and product orders.

Orders are read-only here except for what the operator reports about a manual order (status,
start_count, remains) or a Service product's order (status, remains, result, note). Saving those
calls `orders.status.apply_status` / `orders.product_orders.apply_product_status`, which decide
the refund; the admin never writes the fields itself.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from smmpanel.catalog.models import Fulfilment, Product
from smmpanel.inputs import parse_id
from smmpanel.orders.cancels import mark_cancel_rejected as reject_cancel
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import (
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
    ProductOrder,
    Refill,
    RefillStatus,
)
from smmpanel.orders.product_orders import apply_product_status, delivered_items
from smmpanel.orders.refills import report_refill_status as set_refill_status
from smmpanel.orders.status import apply_status


class Refused(Exception):
    """The operator's request was not carried out; the message says why."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


class OrderRowAdmin(admin.ModelAdmin):
    """Rows that change only through actions (or outcomes) calling domain operations, found by
    their (or their order's) id or by text."""

    field_names: tuple[str, ...] = ()
    id_search_field = "pk"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.field_names

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.field_names

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        pk = parse_id(search_term)
        if pk is not None:
            # An exact match on the id's index, not a text search of a cast.
            results |= queryset.filter(**{self.id_search_field: pk})
        return results, may_have_duplicates

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if not context["adminform"].form.fields:
            # Nothing on the page is editable, so offer no Save buttons.
            context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, add, change, form_url, obj)


class OutcomeAdmin(OrderRowAdmin):
    """A read-only order whose `outcome_fields` the operator may report, when `takes_outcome`.

    Saving hands the reported values to `apply_outcome` (a domain operation) instead of writing
    them; a refusal becomes an error message on the change form, not a 500.
    """

    outcome_fields: tuple[str, ...] = ()

    def takes_outcome(self, obj: Any) -> bool:
        raise NotImplementedError

    def apply_outcome(self, pk: int, values: dict[str, Any]) -> models.Model:
        raise NotImplementedError

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        editable = self.outcome_fields if obj is not None and self.takes_outcome(obj) else ()
        return tuple(name for name in self.field_names if name not in editable)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not form.has_changed():
            return
        values = {name: form.cleaned_data[name] for name in self.outcome_fields}
        try:
            result = self.apply_outcome(obj.pk, values)
        except OrderError as error:
            raise Refused(f"{error.message}; nothing was saved.") from error
        # A final order ignores a repeated report and a product order clamps its remains: say so
        # (the view's transaction then rolls back) rather than claim a change.
        for name, value in values.items():
            if value not in (None, "") and getattr(result, name) != value:
                status = getattr(result, "status", "")
                raise Refused(
                    f"Nothing was saved: {result} ({status}) can't take {name} = {value}."
                )

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
class OrderAdmin(OutcomeAdmin):
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
    raw_id_fields = ["account", "service"]
    ordering = ["-id"]
    field_names = (
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
    outcome_fields = ("status", "start_count", "remains")
    actions = ["mark_completed", "cancel_and_refund"]

    def takes_outcome(self, obj: Order) -> bool:
        return obj.service.fulfilment == Fulfilment.MANUAL

    def apply_outcome(self, pk: int, values: dict[str, Any]) -> Order:
        return apply_status(order_id=pk, **values)

    @admin.display(description="link", ordering="link")
    def short_link(self, order: Order) -> str:
        return Truncator(order.link).chars(60)

    @admin.display(description="ledger")
    def ledger(self, order: Order) -> str:
        return ledger_link("order", order.pk)

    def _finish_manual(
        self, request: HttpRequest, queryset: QuerySet[Order], **outcome: Any
    ) -> None:
        status = outcome["status"]
        done, unchanged, refused = 0, 0, []
        for order in queryset.select_related("service"):
            if not self.takes_outcome(order):
                refused.append(f"{order}: not a manual order")
                continue
            if order.status == status:
                unchanged += 1
                continue
            try:
                apply_status(order_id=order.pk, **outcome)
            except OrderError as error:
                refused.append(f"{order}: {error.message}")
                continue
            self.log_change(request, order, f"Status set to {status} (bulk action)")
            done += 1
        self.message_user(
            request, f"{done} order(s) now {status}; {unchanged} already were.", messages.SUCCESS
        )
        if refused:
            self.message_user(request, "Not changed: " + "; ".join(refused), messages.ERROR)

    @admin.action(description="Mark completed (manual orders)", permissions=["change"])
    def mark_completed(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._finish_manual(request, queryset, status=OrderStatus.COMPLETED, remains=0)

    @admin.action(description="Cancel and refund (manual orders)", permissions=["change"])
    def cancel_and_refund(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._finish_manual(request, queryset, status=OrderStatus.CANCELED)


@admin.register(Refill)
class RefillAdmin(OrderRowAdmin):
    list_display = ["id", "order", "account", "fulfilment", "status", "created_at", "updated_at"]
    list_filter = ["status", "order__service__fulfilment"]
    list_select_related = ["order__account__user", "order__service"]
    search_fields = ["order__account__user__username"]
    search_help_text = "An order id or a username"
    id_search_field = "order_id"
    raw_id_fields = ["order"]
    ordering = ["-id"]
    field_names = (
        "order",
        "status",
        "created_at",
        "updated_at",
        "next_attempt_at",
        "lease_expires_at",
    )
    actions = ["mark_completed", "mark_rejected", "mark_in_progress"]

    @admin.display(description="account", ordering="order__account__user__username")
    def account(self, refill: Refill) -> str:
        return str(refill.order.account)

    @admin.display(description="fulfilment", ordering="order__service__fulfilment")
    def fulfilment(self, refill: Refill) -> str:
        return refill.order.service.get_fulfilment_display()

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Refill], status: str) -> None:
        done, kept = 0, []
        for refill_id in queryset.values_list("pk", flat=True):
            refill = set_refill_status(refill_id=refill_id, status=status)
            if refill.status == status:
                self.log_change(request, refill, f"Status set to {status}")
                done += 1
            else:
                kept.append(f"{refill} is {refill.status}")
        self.message_user(request, f"{done} refill(s) now {status}.", messages.SUCCESS)
        if kept:
            self.message_user(request, "Finished, not changed: " + "; ".join(kept), messages.ERROR)

    @admin.action(description="Mark completed", permissions=["change"])
    def mark_completed(self, request: HttpRequest, queryset: QuerySet[Refill]) -> None:
        self._set_status(request, queryset, RefillStatus.COMPLETED)

    @admin.action(description="Mark rejected", permissions=["change"])
    def mark_rejected(self, request: HttpRequest, queryset: QuerySet[Refill]) -> None:
        self._set_status(request, queryset, RefillStatus.REJECTED)

    @admin.action(description="Mark in progress", permissions=["change"])
    def mark_in_progress(self, request: HttpRequest, queryset: QuerySet[Refill]) -> None:
        self._set_status(request, queryset, RefillStatus.IN_PROGRESS)


@admin.register(CancelRequest)
class CancelRequestAdmin(OrderRowAdmin):
    list_display = ["id", "order", "account", "order_status", "fulfilment", "status", "created_at"]
    list_filter = ["status", "order__service__fulfilment"]
    list_select_related = ["order__account__user", "order__service"]
    search_fields = ["order__account__user__username"]
    search_help_text = "An order id or a username"
    id_search_field = "order_id"
    raw_id_fields = ["order"]
    ordering = ["-id"]
    field_names = ("order", "status", "created_at", "updated_at")
    actions = ["accept", "reject"]

    @admin.display(description="account", ordering="order__account__user__username")
    def account(self, cancel: CancelRequest) -> str:
        return str(cancel.order.account)

    @admin.display(description="order status", ordering="order__status")
    def order_status(self, cancel: CancelRequest) -> str:
        return cancel.order.status

    @admin.display(description="fulfilment", ordering="order__service__fulfilment")
    def fulfilment(self, cancel: CancelRequest) -> str:
        return cancel.order.service.get_fulfilment_display()

    def _each_pending(
        self,
        request: HttpRequest,
        queryset: QuerySet[CancelRequest],
        handle: Callable[[CancelRequest], str],
    ) -> None:
        done, refused = 0, []
        for cancel in queryset.select_related("order__service"):
            if cancel.status != CancelStatus.PENDING:
                refused.append(f"{cancel}: already {cancel.status}")
                continue
            try:
                self.log_change(request, cancel, handle(cancel))
            except (OrderError, Refused) as error:
                refused.append(f"{cancel}: {error.message}")
                continue
            done += 1
        self.message_user(request, f"{done} cancel request(s) handled.", messages.SUCCESS)
        if refused:
            self.message_user(request, "Not handled: " + "; ".join(refused), messages.ERROR)

    @admin.action(description="Accept: cancel the order (full refund)", permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[CancelRequest]) -> None:
        def cancel_order(cancel: CancelRequest) -> str:
            # Automatic fulfilment stops delivery and reports the outcome itself.
            if cancel.order.service.fulfilment != Fulfilment.MANUAL:
                raise Refused("its fulfilment handles the cancel")
            apply_status(order_id=cancel.order_id, status=OrderStatus.CANCELED)
            return "Accepted: order canceled"

        self._each_pending(request, queryset, cancel_order)

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[CancelRequest]) -> None:
        def reject_one(cancel: CancelRequest) -> str:
            reject_cancel(cancel_request_id=cancel.pk)
            return "Rejected"

        self._each_pending(request, queryset, reject_one)


@admin.register(ProductOrder)
class ProductOrderAdmin(OutcomeAdmin):
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
    raw_id_fields = ["account", "product"]
    ordering = ["-id"]
    field_names = (
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
    outcome_fields = ("status", "remains", "result", "note")

    def takes_outcome(self, obj: ProductOrder) -> bool:
        return obj.product.type == Product.Type.SERVICE

    def apply_outcome(self, pk: int, values: dict[str, Any]) -> ProductOrder:
        return apply_product_status(product_order_id=pk, **values)

    @admin.display(description="delivered items")
    def delivered(self, order: ProductOrder) -> str:
        items = delivered_items(order)
        return format_html_join(mark_safe("<br>"), "{}", ((item,) for item in items)) or "-"

    @admin.display(description="ledger")
    def ledger(self, order: ProductOrder) -> str:
        return ledger_link("product_order", order.pk)
