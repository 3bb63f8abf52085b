"""Payment methods: list, create, edit, enable/disable, reorder (admin role). The rules and the
audit entries are the domain's (`payments.methods`); the page parses, calls and shows."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.backoffice.views.services import step_of
from smmpanel.money import MAX_DIGITS, SCALE
from smmpanel.payments import methods
from smmpanel.payments.errors import PaymentError
from smmpanel.payments.gateway import MethodConfig, gateways
from smmpanel.payments.models import PaymentMethod

CHANGE = ("payments.view_paymentmethod", "payments.change_paymentmethod")
ADD = (*CHANGE, "payments.add_paymentmethod")


class PaymentMethodForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    gateway = forms.ChoiceField(label=gettext_lazy("Plug-in"))
    instructions = forms.CharField(
        label=gettext_lazy("Instructions shown to the customer"),
        help_text=gettext_lazy("e.g. the bank account to transfer to"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    min_amount = forms.DecimalField(
        label=gettext_lazy("Minimum amount"), max_digits=MAX_DIGITS, decimal_places=SCALE
    )
    max_amount = forms.DecimalField(
        label=gettext_lazy("Maximum amount (empty: none)"),
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
        required=False,
    )
    active = forms.BooleanField(
        label=gettext_lazy("Offered to customers"), required=False, initial=True
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency paid in"),
        help_text=gettext_lazy("e.g. IDR or VND; empty: the panel's currency"),
        max_length=8,
        required=False,
    )
    exchange_rate = forms.DecimalField(
        label=gettext_lazy("Exchange rate"),
        help_text=gettext_lazy("Units of that currency per unit of the panel's currency"),
        max_digits=20,
        decimal_places=8,
        initial=1,
        required=False,
    )
    fee_percent = forms.DecimalField(
        label=gettext_lazy("Fee %"), max_digits=5, decimal_places=2, initial=0, required=False
    )
    fee_fixed = forms.DecimalField(
        label=gettext_lazy("Fixed fee (in the currency paid in)"),
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
        initial=0,
        required=False,
    )
    fee_added = forms.BooleanField(
        label=gettext_lazy("The customer pays the fee (else the panel absorbs it)"),
        required=False,
        initial=True,
    )
    credentials = forms.CharField(
        label=gettext_lazy("Credentials"),
        help_text=gettext_lazy(
            "One NAME=VALUE per line (API keys, secrets), stored encrypted. "
            "Empty: keep the stored ones."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "false"}),
        required=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["gateway"].choices = [  # type: ignore[attr-defined]
            (code, gateway.label or code) for code, gateway in gateways().items()
        ]
        for code, language in settings.LANGUAGES[1:]:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %s") % language, max_length=100, required=False
            )
            self.fields[f"instructions_{code}"] = forms.CharField(
                label=_("Instructions in %s") % language,
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )

    # Left empty: no conversion, no fee.
    def clean_exchange_rate(self) -> Decimal:
        return self.cleaned_data["exchange_rate"] or Decimal(1)

    def clean_fee_percent(self) -> Decimal:
        return self.cleaned_data["fee_percent"] or Decimal(0)

    def clean_fee_fixed(self) -> Decimal:
        return self.cleaned_data["fee_fixed"] or Decimal(0)

    def clean_credentials(self) -> dict[str, str] | None:
        text = self.cleaned_data["credentials"].strip()
        if not text:
            return None
        credentials = {}
        for line in text.splitlines():
            name, equals, value = line.partition("=")
            if not equals or not name.strip():
                raise forms.ValidationError(_("Write each credential as NAME=VALUE"))
            credentials[name.strip()] = value.strip()
        return credentials

    def values(self) -> dict:
        """The method's values for `payments.methods.save_method`."""
        data = dict(self.cleaned_data)
        data["translations"] = {
            code: {
                "name": data.pop(f"name_{code}", "").strip(),
                "instructions": data.pop(f"instructions_{code}", "").strip(),
            }
            for code, _language in settings.LANGUAGES[1:]
        }
        return data

    @staticmethod
    def initial_of(method: PaymentMethod) -> dict:
        initial = methods.method_values(method)
        for code, text in (method.translations or {}).items():
            initial[f"name_{code}"] = text.get("name", "")
            initial[f"instructions_{code}"] = text.get("instructions", "")
        return initial


@staff_required(*CHANGE)
def method_list(request: HttpRequest) -> HttpResponse:
    labels = {code: gateway.label or code for code, gateway in gateways().items()}
    rows = list(PaymentMethod.objects.order_by("sort_order", "pk"))
    for method in rows:
        method.gateway_label = labels.get(method.gateway, method.gateway)  # type: ignore[attr-defined]
    return render_page(request, "backoffice/payment_methods.html", "payments", methods=rows)


def _callback_url(method: PaymentMethod | None) -> str:
    """The address to give the gateway for its notifications (the method's own)."""
    gateway = gateways().get(method.gateway) if method else None
    if method is None or gateway is None:
        return ""
    return gateway.callback_url(MethodConfig(method.pk, method.currency or settings.CURRENCY))


def _form_page(
    request: HttpRequest, form: PaymentMethodForm, method: PaymentMethod | None
) -> HttpResponse:
    return render_page(
        request,
        "backoffice/payment_method_form.html",
        "payments",
        form=form,
        method=method,
        callback_url=_callback_url(method),
        status=400 if form.is_bound else 200,
    )


def _save(request: HttpRequest, form: PaymentMethodForm, method: PaymentMethod | None):
    try:
        saved = methods.save_method(
            method_id=method.pk if method else None,
            values=form.values(),
            acting_user=Actor.of_request(request),
        )
    except PaymentError as error:
        form.add_error(None, error.message)
        return _form_page(request, form, method)
    messages.success(request, _("Payment method “%s” saved.") % saved.name)
    return redirect("backoffice:payment_methods")


@staff_required(*ADD)
def method_create(request: HttpRequest) -> HttpResponse:
    form = PaymentMethodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, None)
    return _form_page(request, form, None)


@staff_required(*CHANGE)
def method_edit(request: HttpRequest, pk: int) -> HttpResponse:
    method = get_object_or_404(PaymentMethod, pk=pk)
    if request.method != "POST":
        form = PaymentMethodForm(initial=PaymentMethodForm.initial_of(method))
        return _form_page(request, form, method)
    form = PaymentMethodForm(request.POST)
    if form.is_valid():
        return _save(request, form, method)
    return _form_page(request, form, method)


@require_POST
@staff_required(*CHANGE)
def method_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    method = get_object_or_404(PaymentMethod, pk=pk)
    methods.set_method_active(
        method_id=pk, active=not method.active, acting_user=Actor.of_request(request)
    )
    return redirect("backoffice:payment_methods")


@require_POST
@staff_required(*CHANGE)
def method_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    method = get_object_or_404(PaymentMethod, pk=pk)
    methods.move_method(
        method_id=method.pk, step=step_of(direction), acting_user=Actor.of_request(request)
    )
    return redirect("backoffice:payment_methods")
