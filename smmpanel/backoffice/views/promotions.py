"""Deposit bonus tiers and coupons (admin role): list, add, withdraw. The rules and the audit
entries are the domain's (`payments.bonuses`, `payments.coupons`); the page parses and calls."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.money import MAX_DIGITS, SCALE
from smmpanel.payments import bonuses, coupons
from smmpanel.payments.errors import PaymentError
from smmpanel.payments.models import Coupon, DepositBonus, PaymentMethod

CHANGE = ("payments.view_paymentmethod", "payments.change_paymentmethod")


class BonusForm(forms.Form):
    min_amount = forms.DecimalField(
        label=gettext_lazy("From amount"), max_digits=MAX_DIGITS, decimal_places=SCALE
    )
    percent = forms.DecimalField(label=gettext_lazy("Bonus %"), max_digits=5, decimal_places=2)
    method = forms.ModelChoiceField(
        label=gettext_lazy("Payment method"),
        queryset=PaymentMethod.objects.order_by("sort_order", "pk"),
        required=False,
        empty_label=gettext_lazy("Every method"),
    )


class CouponForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=32)
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (credited when redeemed)"),
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
        required=False,
    )
    percent = forms.DecimalField(
        label=gettext_lazy("Or percent of the next deposit"),
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    uses = forms.IntegerField(
        label=gettext_lazy("Uses in all (empty: any)"), min_value=1, required=False
    )
    expires = forms.DateField(
        label=gettext_lazy("Last valid day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _page(request: HttpRequest, bonus_form: BonusForm, coupon_form: CouponForm) -> HttpResponse:
    return render_page(
        request,
        "backoffice/promotions.html",
        "payments",
        bonus_form=bonus_form,
        coupon_form=coupon_form,
        bonuses=DepositBonus.objects.select_related("method"),
        coupons=Coupon.objects.all()[:200],
        status=400 if bonus_form.is_bound or coupon_form.is_bound else 200,
    )


@staff_required(*CHANGE)
def promotions(request: HttpRequest) -> HttpResponse:
    return _page(request, BonusForm(), CouponForm())


@require_POST
@staff_required(*CHANGE)
def bonus_create(request: HttpRequest) -> HttpResponse:
    form = BonusForm(request.POST)
    if form.is_valid():
        method = form.cleaned_data["method"]
        try:
            bonuses.save_bonus(
                bonus_id=None,
                min_amount=form.cleaned_data["min_amount"],
                percent=form.cleaned_data["percent"],
                method_id=method.pk if method else None,
                acting_user=Actor.of_request(request),
            )
        except PaymentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Bonus tier added."))
            return redirect("backoffice:promotions")
    return _page(request, form, CouponForm())


@require_POST
@staff_required(*CHANGE)
def bonus_delete(request: HttpRequest, pk: int) -> HttpResponse:
    bonuses.delete_bonus(bonus_id=pk, acting_user=Actor.of_request(request))
    return redirect("backoffice:promotions")


def _end_of(day) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@require_POST
@staff_required(*CHANGE)
def coupon_create(request: HttpRequest) -> HttpResponse:
    form = CouponForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            coupon = coupons.create_coupon(
                code=data["code"],
                amount=data["amount"],
                percent=data["percent"],
                uses=data["uses"],
                expires_at=_end_of(data["expires"]),
                acting_user=Actor.of_request(request),
            )
        except PaymentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Coupon %(code)s created.") % {"code": coupon.code})
            return redirect("backoffice:promotions")
    return _page(request, BonusForm(), form)


@require_POST
@staff_required(*CHANGE)
def coupon_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    coupon = get_object_or_404(Coupon, pk=pk)
    coupons.set_coupon_active(
        coupon_id=pk, active=not coupon.active, acting_user=Actor.of_request(request)
    )
    return redirect("backoffice:promotions")
