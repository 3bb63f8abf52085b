"""Users: search; balance adjustments with a reason, suspend, API key reset, rate discount. Each
decision is `accounts.actions`' (which records it); the page parses and shows."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.accounts import actions, ledger
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.backoffice.views.pricing import CustomRateForm
from smmpanel.catalog.custom_rates import custom_rates_of
from smmpanel.inputs import clean_text
from smmpanel.money import MAX_DIGITS, SCALE

CHANGE = ("accounts.view_account", "accounts.change_account")
PAGE_SIZE = 50


class AdjustForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount (negative to take away)"),
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)


class DiscountForm(forms.Form):
    rate_discount = forms.DecimalField(
        label=gettext_lazy("Rate discount (percent)"),
        min_value=0,
        max_value=99.99,
        max_digits=5,
        decimal_places=2,
    )


@staff_required("accounts.view_account")
def user_list(request: HttpRequest) -> HttpResponse:
    query = clean_text(request.GET.get("q"))
    accounts = Account.objects.select_related("user").order_by("-id")
    if query:
        accounts = accounts.filter(
            Q(user__username__icontains=query) | Q(user__email__icontains=query)
        )
    if request.GET.get("status") in Account.Status.values:
        accounts = accounts.filter(status=request.GET["status"])
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render_page(
        request,
        "backoffice/users.html",
        "users",
        page=page,
        query=params.urlencode(),
        q=query,
        statuses=Account.Status.choices,
    )


def _user_page(
    request: HttpRequest, account: Account, status: int = 200, **forms_: object
) -> HttpResponse:
    context = {
        "adjust_form": AdjustForm(),
        "discount_form": DiscountForm(initial={"rate_discount": account.rate_discount}),
        **forms_,
    }
    return render_page(
        request,
        "backoffice/user.html",
        "users",
        status=status,
        account=account,
        ledger_entries=account.ledger.order_by("-id")[:20],
        orders=account.orders.select_related("service").order_by("-id")[:20],
        ledger_total=ledger.ledger_total(account),
        custom_rates=custom_rates_of(account),
        custom_rate_form=CustomRateForm(auto_id="rate_%s"),
        **context,
    )


@staff_required("accounts.view_account")
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("user"), pk=pk)
    return _user_page(request, account)


@require_POST
@staff_required(*CHANGE)
def user_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("user"), pk=pk)
    form = AdjustForm(request.POST)
    if form.is_valid():
        try:
            entry = actions.adjust_balance(
                account_id=account.pk,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                acting_user=Actor.of_request(request),
            )
        except AccountError as error:
            form.add_error("amount", error.message)
        else:
            messages.success(request, _("Balance adjusted by %s.") % entry.amount)
            return redirect("backoffice:user", pk=pk)
    return _user_page(request, account, status=400, adjust_form=form)


@require_POST
@staff_required(*CHANGE)
def user_status(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("user"), pk=pk)
    acting_user = Actor.of_request(request)
    if request.POST.get("suspend"):
        changed = actions.suspend_account(account_id=account.pk, acting_user=acting_user)
    else:
        changed = actions.reactivate_account(account_id=account.pk, acting_user=acting_user)
    if changed.status != account.status:
        status = Account.Status(changed.status)
        messages.success(request, _("The account is now %s.") % status.label.lower())
    return redirect("backoffice:user", pk=pk)


@require_POST
@staff_required(*CHANGE)
def user_reset_key(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("user"), pk=pk)
    account, key = actions.reset_api_key(account_id=pk, acting_user=Actor.of_request(request))
    # Rendered, not redirected: this response is the one time the key is shown.
    response = _user_page(request, account, new_key=key)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required(*CHANGE)
def user_discount(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("user"), pk=pk)
    form = DiscountForm(request.POST)
    if not form.is_valid():
        return _user_page(request, account, status=400, discount_form=form)
    account = actions.set_rate_discount(
        account_id=pk,
        percent=form.cleaned_data["rate_discount"],
        acting_user=Actor.of_request(request),
    )
    messages.success(request, _("Rate discount set to %s%%.") % account.rate_discount)
    return redirect("backoffice:user", pk=pk)
