"""Affiliates (admin role): who brings customers and what they earned, each affiliate's own
percent, the payout requests to approve or decline, and the refused referrals. The rules and
the audit entries are the domain's (`smmpanel.affiliates`); the page parses and calls."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.affiliates import notices, payouts
from smmpanel.affiliates.errors import AffiliateError
from smmpanel.affiliates.figures import affiliates_with_figures, earned_by
from smmpanel.affiliates.models import Payout, Referral
from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.configuration.current import current

CHANGE = ("affiliates.view_payout", "affiliates.change_payout")


class PercentForm(forms.Form):
    percent = forms.DecimalField(
        label=gettext_lazy("Own percent (empty: the panel's)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)


@staff_required(*CHANGE)
def affiliate_list(request: HttpRequest) -> HttpResponse:
    rows = list(affiliates_with_figures()[:200])
    earned = earned_by([row.pk for row in rows])
    return render_page(
        request,
        "affiliates/staff.html",
        "affiliates",
        affiliates=[(row, earned.get(row.pk), PercentForm(prefix=str(row.pk))) for row in rows],
        panel_percent=current().affiliate_percent,
        requests=Payout.objects.filter(status=Payout.Status.REQUESTED)
        .select_related("affiliate__account__user")
        .order_by("pk"),
        refused=Referral.objects.filter(status=Referral.Status.REFUSED)
        .select_related("affiliate__account__user", "referred__user")
        .order_by("-pk")[:100],
    )


@require_POST
@staff_required(*CHANGE)
def affiliate_percent(request: HttpRequest, pk: int) -> HttpResponse:
    form = PercentForm(request.POST, prefix=str(pk))
    if form.is_valid():
        try:
            payouts.set_percent(
                account_id=pk,
                percent=form.cleaned_data["percent"],
                acting_user=Actor.of_request(request),
            )
        except AffiliateError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, notices.PERCENT_SAVED)
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("percent", [])))
    return redirect("backoffice:affiliates")


@require_POST
@staff_required(*CHANGE)
def payout_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    acting_user = Actor.of_request(request)
    try:
        if request.POST.get("decision") == "approve":
            payouts.approve_payout(payout_id=pk, note=note, acting_user=acting_user)
            messages.success(request, notices.PAYOUT_APPROVED)
        else:
            payouts.decline_payout(payout_id=pk, note=note, acting_user=acting_user)
            messages.success(request, notices.PAYOUT_DECLINED)
    except AffiliateError as error:
        messages.error(request, error.message)
    return redirect("backoffice:affiliates")
