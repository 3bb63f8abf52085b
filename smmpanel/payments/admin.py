"""Payment methods and payments, inspected (see staff/inspector.py); operators set up methods
and decide payments in the back-office."""

from django.conf import settings
from django.contrib import admin

from smmpanel.money import format_amount
from smmpanel.payments.models import Payment, PaymentMethod, UnmatchedTransfer
from smmpanel.staff.inspector import Inspector


@admin.register(PaymentMethod)
class PaymentMethodAdmin(Inspector):
    list_display = ["name", "gateway", "min_amount", "max_amount", "active", "sort_order"]
    list_filter = ["gateway", "active"]
    search_fields = ["name"]


@admin.register(Payment)
class PaymentAdmin(Inspector):
    list_display = [
        "id",
        "created_at",
        "account",
        "method",
        "amount_shown",
        "reference",
        "status",
        "decided_at",
    ]
    list_filter = ["status", "method"]
    search_fields = ["account__user__username", "reference"]
    list_select_related = ["account__user", "method"]
    ordering = ["-id"]
    fields = (
        "account",
        "method",
        "amount",
        "reference",
        "status",
        "ledger_entry",
        "note",
        "message",
        "decided_by",
        "created_at",
        "decided_at",
    )

    @admin.display(description="amount", ordering="amount")
    def amount_shown(self, payment: Payment) -> str:
        return format_amount(payment.amount, settings.CURRENCY)


@admin.register(UnmatchedTransfer)
class UnmatchedTransferAdmin(Inspector):
    """Bank transfers a bank-matching gateway reported that credited nothing by themselves."""

    list_display = ["received_at", "gateway", "method", "transfer_id", "amount", "currency"]
    list_display += ["reason", "payment", "description"]
    list_filter = ["gateway", "reason"]
    search_fields = ["transfer_id", "description"]
    list_select_related = ["method", "payment"]
    ordering = ["-id"]
