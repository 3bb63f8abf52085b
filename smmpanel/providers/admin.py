"""Providers, their catalogs, the attempts upstream and the orders in review, inspected (see
staff/inspector.py); operators add, test and import providers and resolve reviews in the
back-office. Kept here because the back-office has no page for it yet: a provider's settings
(URL, key, dialect, exchange rate, low-balance mark, enabled)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from smmpanel.audit.log import Actor
from smmpanel.netpolicy import ProviderUrlError, check_provider_url
from smmpanel.orders.models import Order
from smmpanel.providers import review
from smmpanel.providers.errors import url_refused
from smmpanel.providers.models import (
    OrderInReview,
    Provider,
    ProviderService,
    UpstreamOrder,
    UpstreamState,
)
from smmpanel.providers.operations import set_key
from smmpanel.staff.inspector import Inspector, is_superuser


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


@admin.register(Provider)
class ProviderAdmin(Inspector):
    form = ProviderForm
    list_display = ["name", "url", "enabled", "balance_shown", "exchange_rate", "key_hint",
                    "balance_checked_at", "last_error"]  # fmt: skip
    readonly_fields = ["name", "key_hint", "currency", "balance_shown", "balance_checked_at",
                       "last_error"]  # fmt: skip
    fields = ["name", "url", "key_hint", "new_key", "dialect", "currency", "exchange_rate",
              "low_balance", "enabled", "balance_shown", "balance_checked_at",
              "last_error"]  # fmt: skip

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    @admin.display(description="balance")
    def balance_shown(self, provider: Provider) -> str:
        if provider.balance is None:
            return "?"
        text = f"{provider.balance.normalize()} {provider.currency}"
        if provider.balance_is_low:
            return format_html('<strong style="color:#ba2121">{} — low</strong>', text)
        return text

    def save_model(self, request: HttpRequest, obj: Provider, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("new_key"):
            set_key(
                acting_user=Actor.of_request(request),
                provider_id=obj.pk,
                key=form.cleaned_data["new_key"],
            )


@admin.register(ProviderService)
class ProviderServiceAdmin(Inspector):
    """The providers' catalogs as last imported."""

    list_display = ["provider", "service_id", "name", "type", "category", "rate", "listed"]
    list_filter = ["provider", "listed"]
    search_fields = ["name", "service_id", "provider__name"]


@admin.register(UpstreamOrder)
class UpstreamOrderAdmin(Inspector):
    """Every attempt to place an order upstream."""

    list_display = ["id", "order", "provider", "upstream_id", "state", "raw_status", "error",
                    "created_at"]  # fmt: skip
    list_filter = ["state", "provider"]
    search_fields = ["upstream_id", "=order__id"]
    raw_id_fields = ["order", "run"]


@admin.register(OrderInReview)
class OrderInReviewAdmin(Inspector):
    """Orders that may or may not be with the provider (resolved in the back-office's requests)."""

    list_display = ["id", "account", "service", "quantity", "charge", "status", "reason",
                    "created_at"]  # fmt: skip
    list_select_related = ["account__user", "service"]
    ordering = ["id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).filter(pk__in=review.orders_in_review().values("pk"))

    @admin.display(description="why")
    def reason(self, order: Order) -> str:
        attempts = UpstreamOrder.objects.filter(order=order, state=UpstreamState.REVIEW)
        return "; ".join(f"{a.provider.name}: {a.error}" for a in attempts)
