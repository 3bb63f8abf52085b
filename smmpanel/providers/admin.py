"""The operator's view of providers: add one (its connection is checked), test it, import its
catalog with a markup, watch balances; and the orders whose upstream outcome needs a decision.

Provider calls are never made inside the admin's transactions: adding a provider has its own
view, and actions (not wrapped in a transaction by the admin) call the operations.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from smmpanel.netpolicy import ProviderUrlError, check_provider_url
from smmpanel.orders.models import Order
from smmpanel.providers import review
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.errors import ProviderError, url_refused
from smmpanel.providers.models import (
    OrderInReview,
    Provider,
    ProviderService,
    UpstreamOrder,
    UpstreamState,
)
from smmpanel.providers.operations import add_provider, check_balance, set_key
from smmpanel.providers.pricing import parse_markup


class AddProviderForm(forms.Form):
    name = forms.CharField(max_length=100)
    url = forms.URLField(
        max_length=500, assume_scheme="https", label="API URL", help_text="https://x.com/api/v2"
    )
    key = forms.CharField(widget=forms.PasswordInput, label="API key")
    dialect = forms.CharField(
        initial="auto", help_text="auto, or words such as form / json / get / bearer / numeric"
    )
    exchange_rate = forms.DecimalField(
        required=False, help_text="Panel currency per 1 unit of the provider's (other currency)"
    )
    low_balance = forms.DecimalField(required=False, help_text="Warn at or below this balance")


class ProviderForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label="API URL")
    new_key = forms.CharField(
        widget=forms.PasswordInput, required=False, help_text="Leave empty to keep the key"
    )

    class Meta:
        model = Provider
        fields = ["url", "dialect", "exchange_rate", "low_balance", "enabled"]

    def clean_url(self) -> str:
        try:
            return check_provider_url(self.cleaned_data["url"])
        except ProviderUrlError as error:
            raise forms.ValidationError(url_refused(error).message) from None


class ImportActionForm(ActionForm):
    markup = forms.CharField(
        required=False, help_text="Import markup, e.g. 30% (empty: keep the routes' markups)"
    )


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    form = ProviderForm
    action_form = ImportActionForm
    list_display = ["name", "url", "enabled", "balance_shown", "exchange_rate", "key_hint",
                    "balance_checked_at", "last_error"]  # fmt: skip
    readonly_fields = ["name", "key_hint", "currency", "balance_shown", "balance_checked_at",
                       "last_error"]  # fmt: skip
    actions = ["check_connection", "import_services"]

    fields = ["name", "url", "key_hint", "new_key", "dialect", "currency", "exchange_rate",
              "low_balance", "enabled", "balance_shown", "balance_checked_at",
              "last_error"]  # fmt: skip

    @admin.display(description="balance")
    def balance_shown(self, provider: Provider) -> str:
        if provider.balance is None:
            return "?"
        text = f"{provider.balance.normalize()} {provider.currency}"
        if provider.balance_is_low:
            return format_html('<strong style="color:#ba2121">{} — low</strong>', text)
        return text

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        for provider in Provider.objects.filter(enabled=True):
            if provider.balance_is_low:
                self.message_user(
                    request,
                    f"The balance of {provider.name} is low: {provider.balance} "
                    f"{provider.currency}. Orders it refuses go to the next route.",
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        form = AddProviderForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                provider = add_provider(**form.cleaned_data)
            except ProviderError as error:
                form.add_error(None, error.message)
            else:
                self.log_addition(request, provider, "Added provider")
                self.message_user(request, f"Provider {provider.name} added.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:providers_provider_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add provider",
            "form": form,
            "submit": "Check and add",
        }
        return TemplateResponse(request, "admin/providers/provider/add.html", context)

    def save_model(self, request: HttpRequest, obj: Provider, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("new_key"):
            set_key(provider=obj, key=form.cleaned_data["new_key"])

    @admin.action(description="Test the connection and check the balance")
    def check_connection(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        for provider in queryset:
            try:
                provider = check_balance(provider=provider)
            except ProviderError as error:
                self.message_user(request, f"{provider.name}: {error.message}", messages.ERROR)
                continue
            level = messages.WARNING if provider.balance_is_low else messages.SUCCESS
            self.message_user(
                request, f"{provider.name}: balance {provider.balance} {provider.currency}", level
            )

    @admin.action(description="Import the catalog (with the markup given below)")
    def import_services(self, request: HttpRequest, queryset: QuerySet[Provider]) -> None:
        try:
            raw = request.POST.get("markup", "").strip()
            markup: Decimal | None = parse_markup(raw) if raw else None
        except ProviderError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        for provider in queryset:
            try:
                report = import_catalog(provider=provider, markup=markup)
            except ProviderError as error:
                self.message_user(request, f"{provider.name}: {error.message}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"{provider.name}: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.disabled)} disabled, {len(report.price_changes)} price changes.",
                messages.SUCCESS,
            )
            for change in report.price_changes:
                self.message_user(
                    request,
                    f"Service {change.service} ({change.name}): {change.old_rate} -> "
                    f"{change.new_rate}",
                    messages.INFO,
                )


@admin.register(ProviderService)
class ProviderServiceAdmin(admin.ModelAdmin):
    """The providers' catalogs as last imported (read-only; the import keeps them)."""

    list_display = ["provider", "service_id", "name", "type", "category", "rate", "listed"]
    list_filter = ["provider", "listed"]
    search_fields = ["name", "service_id", "provider__name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UpstreamOrder)
class UpstreamOrderAdmin(admin.ModelAdmin):
    """Every attempt to place an order upstream (read-only)."""

    list_display = ["id", "order", "provider", "upstream_id", "state", "raw_status", "error",
                    "created_at"]  # fmt: skip
    list_filter = ["state", "provider"]
    search_fields = ["upstream_id", "=order__id"]
    raw_id_fields = ["order", "run"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrderInReview)
class OrderInReviewAdmin(admin.ModelAdmin):
    """Orders that may or may not be with the provider. Check there, then resend or cancel."""

    list_display = ["id", "account", "service", "quantity", "charge", "status", "reason",
                    "created_at"]  # fmt: skip
    list_select_related = ["account__user", "service"]
    actions = ["resend", "cancel_and_refund"]
    ordering = ["id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).filter(pk__in=review.orders_in_review().values("pk"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)

    @admin.display(description="why")
    def reason(self, order: Order) -> str:
        attempts = UpstreamOrder.objects.filter(order=order, state=UpstreamState.REVIEW)
        return "; ".join(f"{a.provider.name}: {a.error}" for a in attempts)

    def _each(self, request: HttpRequest, queryset: QuerySet[Order], operation: Any) -> None:
        done = 0
        for order in queryset:
            try:
                operation(order_id=order.pk)
            except ProviderError as error:
                self.message_user(request, f"Order {order.pk}: {error.message}", messages.ERROR)
                continue
            self.log_change(request, order, f"Review: {operation.__name__}")
            done += 1
        self.message_user(request, f"{done} order(s) done.", messages.SUCCESS)

    @admin.action(description="Send again (it is NOT with the provider)", permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, review.resend)

    @admin.action(description="Cancel and refund in full", permissions=["change"])
    def cancel_and_refund(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        self._each(request, queryset, review.cancel_and_refund)
