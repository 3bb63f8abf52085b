"""Add funds: the operator's payment methods, the customer's payments."""

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from smmpanel.accounts.models import Account
from smmpanel.money import MoneyFormatError, parse_amount, shown
from smmpanel.panel.customer import customer_required
from smmpanel.payments.coupons import redeem_coupon
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, available_methods, config_of, gateway_of
from smmpanel.payments.models import DepositBonus, Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment

# The field a refused payment's error is shown beside; other errors go above the form.
ERROR_FIELDS = {
    PaymentErrorCode.REFERENCE_REQUIRED: "reference",
    PaymentErrorCode.INVALID_AMOUNT: "amount",
    PaymentErrorCode.AMOUNT_TOO_SMALL: "amount",
    PaymentErrorCode.AMOUNT_TOO_LARGE: "amount",
    PaymentErrorCode.COUPON_UNAVAILABLE: "coupon",
}


class CouponForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Coupon code"), max_length=32)


class PaymentForm(forms.Form):
    method = forms.TypedChoiceField(label=gettext_lazy("Method"), coerce=int)
    amount = forms.CharField(
        label=gettext_lazy("Amount"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    reference = forms.CharField(
        label=gettext_lazy("Transfer reference"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("For a bank transfer: the reference or sender name on it."),
    )
    coupon = forms.CharField(
        label=gettext_lazy("Coupon"),
        required=False,
        max_length=32,
        help_text=gettext_lazy("A coupon worth a share of this deposit, if you have one."),
    )

    def __init__(self, *args, methods, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.methods = {method.pk: method for method in methods}
        self.fields["method"].choices = [  # type: ignore[attr-defined]
            (method.pk, method.shown(get_language())[0]) for method in methods
        ]

    def clean_amount(self):
        try:
            return parse_amount(self.cleaned_data["amount"].replace(",", "."))
        except MoneyFormatError:
            raise forms.ValidationError(_("Enter a positive amount")) from None


def _pay(request: HttpRequest, account: Account, form: PaymentForm) -> HttpResponse | None:
    """Record the payment and open it at its gateway; where the customer goes next, or None
    (the form, with the refusal beside the field it concerns)."""
    try:
        payment = create_payment(
            account=account,
            method=form.methods[form.cleaned_data["method"]],
            amount=form.cleaned_data["amount"],
            reference=form.cleaned_data["reference"],
            coupon_code=form.cleaned_data["coupon"],
        )
        checkout = start_payment(payment=payment)
    except PaymentError as error:
        form.add_error(ERROR_FIELDS.get(error.code), error.message)
        return None
    if checkout is not None and checkout.url:
        return redirect(checkout.url)
    if checkout is not None:  # a reference or a QR code to pay by: the payment's own page
        return redirect("panel:payment", pk=payment.pk)
    messages.success(
        request,
        _("Payment %(id)s recorded; your balance grows when it is approved.") % {"id": payment.pk},
    )
    return redirect("panel:funds")


def _offered(methods: list[PaymentMethod]) -> list[PaymentMethod]:
    """The methods with what the customer reads of them: name and instructions in their
    language, and the currency, rate and fee when they pay in another currency or a fee."""
    tiers = list(DepositBonus.objects.filter(active=True).order_by("min_amount", "pk"))
    for method in methods:
        method.offered_bonuses = [  # type: ignore[attr-defined]
            tier for tier in tiers if tier.method_id in (None, method.pk)
        ]
        method.shown_name, method.shown_instructions = method.shown(get_language())  # type: ignore[attr-defined]
        method.paid_in = method.currency or settings.CURRENCY  # type: ignore[attr-defined]
    return methods


@customer_required
def funds(request: HttpRequest, account: Account) -> HttpResponse:
    methods = _offered(available_methods())
    redeeming = request.method == "POST" and "redeem" in request.POST
    form = PaymentForm(None if redeeming else (request.POST or None), methods=methods)
    coupon_form = CouponForm(request.POST if redeeming else None)
    if redeeming and coupon_form.is_valid():
        try:
            amount = redeem_coupon(code=coupon_form.cleaned_data["code"], account=account)
        except PaymentError as error:
            coupon_form.add_error("code", error.message)
        else:
            messages.success(
                request, _("Coupon redeemed: %(amount)s added.") % {"amount": shown(amount)}
            )
            return redirect("panel:funds")
    if request.method == "POST" and not redeeming and form.is_valid():
        response = _pay(request, account, form)
        if response is not None:
            return response
    payments = list(
        Payment.objects.filter(account=account).select_related("method").order_by("-pk")[:50]
    )
    for payment in payments:
        payment.method_name = payment.method.shown(get_language())[0]  # type: ignore[attr-defined]
    return render(
        request,
        "panel/funds.html",
        {
            "form": form,
            "coupon_form": coupon_form,
            "methods": methods,
            "payments": payments,
        },
    )


def _pay_by(payment: Payment) -> Checkout | None:
    """What the gateway has the customer do to pay a waiting payment (a transfer's code)."""
    gateway = gateway_of(payment.method)
    if gateway is None or payment.status != PaymentStatus.PENDING:
        return None
    try:
        return gateway.pay_by(payment, config_of(payment.method))
    except ValueError:  # credentials sealed under another SECRET_KEY: nothing to show
        return None


def _qr_svg(text: str) -> SafeString:
    """`text` as an inline SVG QR code (a banking app scans it from the screen)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - made here, no input markup


@customer_required
def payment_page(request: HttpRequest, account: Account, pk: int) -> HttpResponse:
    """One payment, followed live (the page reloads itself while the payment waits) until it
    is credited or closed: where the gateway sends the customer back."""
    payment = get_object_or_404(Payment.objects.select_related("method"), pk=pk, account=account)
    pay_by = _pay_by(payment)
    name, instructions = payment.method.shown(get_language())
    return render(
        request,
        "panel/payment.html",
        {
            "payment": payment,
            "method_name": name,
            "instructions": instructions,
            "waiting": payment.status == PaymentStatus.PENDING,
            "pay_by": pay_by,
            "qr": _qr_svg(pay_by.qr) if pay_by is not None and pay_by.qr else "",
        },
    )
