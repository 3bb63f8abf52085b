"""Customer pricing: ranks (by spending, each with a discount) and custom rates of one service for
one customer. Each decision is `accounts.ranks`' or `catalog.custom_rates`' (which record it)."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import Account, Rank
from smmpanel.accounts.ranks import FIELDS, create_rank, delete_rank, edit_rank
from smmpanel.audit.log import Actor, snapshot
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.catalog.custom_rates import set_custom_rate
from smmpanel.catalog.errors import CatalogError
from smmpanel.inputs import MAX_INTEGER
from smmpanel.money import MAX_DIGITS, SCALE

CHANGE = ("accounts.view_account", "accounts.change_account")


class RankForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    min_spent = forms.DecimalField(
        label=gettext_lazy("Spent at least"), min_value=0, max_digits=MAX_DIGITS,
        decimal_places=SCALE,
    )  # fmt: skip
    discount = forms.DecimalField(
        label=gettext_lazy("Discount (percent)"), min_value=0, max_value=Decimal("99.99"),
        max_digits=5, decimal_places=2,
    )  # fmt: skip


class CustomRateForm(forms.Form):
    service = forms.IntegerField(label=gettext_lazy("Service ID"), min_value=1,
                                 max_value=MAX_INTEGER)  # fmt: skip
    rate = forms.DecimalField(
        label=gettext_lazy("Rate per 1000 (empty: remove)"), required=False, min_value=0,
        max_digits=MAX_DIGITS, decimal_places=SCALE,
    )  # fmt: skip


def _ranks_page(request: HttpRequest, form: RankForm, status: int = 200) -> HttpResponse:
    ranks = Rank.objects.annotate(customers=Count("accounts")).order_by("min_spent", "pk")
    rows = [
        (rank, RankForm(initial=snapshot(rank, FIELDS), auto_id=f"rank{rank.pk}_%s"))
        for rank in ranks
    ]
    return render_page(
        request, "backoffice/ranks.html", "users", status=status, form=form, ranks=rows
    )


@staff_required(*CHANGE)
def ranks(request: HttpRequest) -> HttpResponse:
    form = RankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            create_rank(acting_user=Actor.of_request(request), **form.cleaned_data)
        except AccountError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Rank created."))
            return redirect("backoffice:ranks")
    return _ranks_page(request, form, status=400 if form.is_bound else 200)


@require_POST
@staff_required(*CHANGE)
def rank_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rank = get_object_or_404(Rank, pk=pk)
    if request.POST.get("delete"):
        delete_rank(acting_user=Actor.of_request(request), rank_id=rank.pk)
        messages.success(request, _("Rank deleted."))
        return redirect("backoffice:ranks")
    form = RankForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the rank's values."))
        return redirect("backoffice:ranks")
    try:
        edit_rank(acting_user=Actor.of_request(request), rank_id=rank.pk, **form.cleaned_data)
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Rank saved."))
    return redirect("backoffice:ranks")


@require_POST
@staff_required(*CHANGE)
def user_custom_rate(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account, pk=pk)
    form = CustomRateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a service ID and a rate of 0 or more."))
        return redirect("backoffice:user", pk=pk)
    try:
        set_custom_rate(
            acting_user=Actor.of_request(request),
            account_id=account.pk,
            service_id=form.cleaned_data["service"],
            rate=form.cleaned_data["rate"],
        )
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Custom rate saved."))
    return redirect("backoffice:user", pk=pk)
