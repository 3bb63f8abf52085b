"""The customer's affiliate page (their link, figures, commissions, payouts) and the referral
link itself. The rules are the domain's (`smmpanel.affiliates`); these parse and call."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from smmpanel import publicurl
from smmpanel.accounts.models import Account
from smmpanel.affiliates import cookies, sightings
from smmpanel.affiliates.errors import AffiliateError
from smmpanel.affiliates.figures import figures_of
from smmpanel.affiliates.links import affiliate_for, record_visit
from smmpanel.affiliates.models import Commission
from smmpanel.affiliates.notices import PAID_TO_BALANCE, REQUESTED
from smmpanel.affiliates.payouts import pay_to_balance, request_payout
from smmpanel.affiliates.referrals import tie_referral
from smmpanel.audit.log import Actor
from smmpanel.configuration.current import current
from smmpanel.panel.customer import customer_required
from smmpanel.panel.throttle import too_many_visits
from smmpanel.ratelimit import client_ip


class PayoutRequestForm(forms.Form):
    details = forms.CharField(
        label=gettext_lazy("Where to pay you (wallet, bank account)"), max_length=255
    )


def referral_link(request: HttpRequest, code: str) -> HttpResponse:
    """/ref/CODE: count the visit, remember it in this browser, and go to sign-up."""
    user = request.user
    visitor = getattr(request, "account", None) if user.is_authenticated else None
    response = redirect("signup")
    device = cookies.ensure_device(request, response)
    if too_many_visits(request):
        return response  # still the way to sign up, not one more visit (a browser's earlier stays)
    visit = record_visit(
        code=code, ip=client_ip(request), device=device, visitor_id=visitor.pk if visitor else None
    )
    if visit is not None:
        cookies.remember_visit(response, visit.pk)
    return response


def tie_signup(request: HttpRequest, response: HttpResponse, account: Account) -> None:
    """After a sign-up: tie the new customer to the visit this browser came from, if any."""
    visit_id = cookies.visit_id_of(request)
    if visit_id is None:
        return
    ip = client_ip(request)
    tie_referral(
        referred_id=account.pk,
        visit_id=visit_id,
        ip=ip,
        device=sightings.device_of(request),
        acting_user=Actor.of_user(account.user, ip=ip or None),
    )
    cookies.forget_visit(response)


@customer_required
def affiliates(request: HttpRequest, account: Account) -> HttpResponse:
    affiliate = affiliate_for(account)
    form = PayoutRequestForm(request.POST if "request" in request.POST else None)
    if request.method == "POST":
        acting_user = Actor.of_request(request)
        try:
            if "balance" in request.POST:
                pay_to_balance(account_id=account.pk, acting_user=acting_user)
                messages.success(request, PAID_TO_BALANCE)
                return redirect("panel:affiliates")
            if form.is_valid():
                request_payout(
                    account_id=account.pk,
                    details=form.cleaned_data["details"],
                    acting_user=acting_user,
                )
                messages.success(request, REQUESTED)
                return redirect("panel:affiliates")
        except AffiliateError as error:
            messages.error(request, error.message)
            return redirect("panel:affiliates")
    settings_now, now = current(), timezone.now()
    response = render(
        request,
        "affiliates/customer.html",
        {
            "link": publicurl.absolute(reverse("panel:referral", args=[affiliate.code])),
            "figures": figures_of(affiliate),
            "percent": affiliate.percent
            if affiliate.percent is not None
            else settings_now.affiliate_percent,
            "settings_now": settings_now,
            "commissions": [
                (commission, Commission.Status(commission.state(now)))
                for commission in affiliate.commissions.order_by("-pk")[:100]
            ],
            "payouts": affiliate.payouts.order_by("-pk")[:20],
            "form": form,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
    # This browser and address are the affiliate's: a sign-up from them is not a referral.
    device = cookies.ensure_device(request, response)
    sightings.note(account_id=account.pk, ip=client_ip(request), device=device)
    return response
