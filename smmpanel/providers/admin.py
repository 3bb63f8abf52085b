"""Providers, their catalogs, the attempts upstream and the orders in review, inspected (see
staff/inspector.py); operators add, edit, test and import providers and resolve reviews in the
back-office."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from smmpanel.orders.models import Order
from smmpanel.providers import review
from smmpanel.providers.models import (
    OrderInReview,
    Provider,
    ProviderService,
    UpstreamOrder,
    UpstreamState,
)
from smmpanel.staff.inspector import Inspector


@admin.register(Provider)
class ProviderAdmin(Inspector):
    list_display = ["name", "url", "enabled", "balance_shown", "exchange_rate", "key_hint",
                    "balance_checked_at", "last_error"]  # fmt: skip
    fields = readonly_fields = ("name", "url", "key_hint", "dialect", "currency", "exchange_rate",
                                "low_balance", "enabled", "balance_shown", "balance_checked_at",
                                "last_error")  # fmt: skip

    @admin.display(description="balance")
    def balance_shown(self, provider: Provider) -> str:
        if provider.balance is None:
            return "?"
        text = f"{provider.balance.normalize()} {provider.currency}"
        if provider.balance_is_low:
            return format_html('<strong style="color:#ba2121">{} — low</strong>', text)
        return text


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
