"""Payment methods: list, create, edit, enable/disable, reorder (admin role). The rules and the
audit entries are the domain's (`payments.methods`); the page parses, calls and shows."""

from django import forms
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
from smmpanel.payments.gateway import gateways
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

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["gateway"].choices = [  # type: ignore[attr-defined]
            (code, gateway.label or code) for code, gateway in gateways().items()
        ]


@staff_required(*CHANGE)
def method_list(request: HttpRequest) -> HttpResponse:
    labels = {code: gateway.label or code for code, gateway in gateways().items()}
    rows = list(PaymentMethod.objects.order_by("sort_order", "pk"))
    for method in rows:
        method.gateway_label = labels.get(method.gateway, method.gateway)  # type: ignore[attr-defined]
    return render_page(request, "backoffice/payment_methods.html", "payments", methods=rows)


def _form_page(
    request: HttpRequest, form: PaymentMethodForm, method: PaymentMethod | None
) -> HttpResponse:
    return render_page(
        request,
        "backoffice/payment_method_form.html",
        "payments",
        form=form,
        method=method,
        status=400 if form.is_bound else 200,
    )


def _save(request: HttpRequest, form: PaymentMethodForm, method: PaymentMethod | None):
    try:
        saved = methods.save_method(
            method_id=method.pk if method else None,
            values=form.cleaned_data,
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
        return _form_page(request, PaymentMethodForm(initial=methods.method_values(method)), method)
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
