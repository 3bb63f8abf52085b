"""The operator's payment methods and the payments waiting for a decision.

Approving or rejecting calls `operations.approve_payment` / `reject_payment`, which make the
deposit; nothing here writes a payment's status or a balance itself.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from smmpanel.audit.log import Actor
from smmpanel.money import format_amount
from smmpanel.payments import methods
from smmpanel.payments.errors import PaymentError
from smmpanel.payments.gateway import gateways
from smmpanel.payments.models import Payment, PaymentMethod
from smmpanel.payments.operations import approve_payment, reject_payment


class PaymentMethodForm(forms.ModelForm):
    gateway = forms.ChoiceField()

    class Meta:
        model = PaymentMethod
        fields = ["name", "gateway", "instructions", "min_amount", "max_amount", "active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gateway"].choices = [  # type: ignore[attr-defined]
            (code, gateway.label) for code, gateway in gateways().items()
        ]

    def clean(self) -> dict:
        """The domain's rules (payments.methods), not a copy of them."""
        data = super().clean() or {}
        if not self.errors:
            try:
                methods.check_method(**data)
            except PaymentError as error:
                raise forms.ValidationError(error.message) from error
        return data


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    form = PaymentMethodForm
    list_display = ["name", "gateway", "min_amount", "max_amount", "active", "sort_order"]
    list_editable = ["active", "sort_order"]

    def save_model(self, request: HttpRequest, obj: PaymentMethod, form, change: bool) -> None:
        """Saved through payments.methods, as the back-office page saves (the admin's own log,
        mirrored into the audit log, records it); the list's order column is set as typed."""
        saved = methods.save_method(
            method_id=obj.pk if change else None,
            values=methods.method_values(obj),
            acting_user=Actor.of_request(request),
        )
        obj.pk = saved.pk
        if "sort_order" in form.changed_data:
            PaymentMethod.objects.filter(pk=saved.pk).update(sort_order=obj.sort_order)


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
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
    actions = ["approve", "reject"]
    fields = readonly_fields = (
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[Payment], operation, verb: str):
        done = 0
        for pk in queryset.values_list("pk", flat=True):
            try:
                payment = operation(payment_id=pk, acting_user=Actor.of_request(request))
            except PaymentError as error:
                self.message_user(request, f"Payment {pk}: {error.message}", messages.ERROR)
                continue
            self.log_change(request, payment, f"{verb} payment")
            done += 1
        if done:
            self.message_user(request, f"{done} payment(s) {verb.lower()}.", messages.SUCCESS)

    @admin.action(description="Approve (deposits the amount)", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        self._decide(request, queryset, approve_payment, "Approved")

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        self._decide(request, queryset, reject_payment, "Rejected")
