"""Users: search; balance adjustments with a reason, suspend, API key reset, rate discount."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.keys import issue_api_key
from smmpanel.accounts.models import Account
from smmpanel.accounts.registration import set_rate_discount, set_status
from smmpanel.audit.log import Actor, record
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
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
        amount, reason = form.cleaned_data["amount"], form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                entry = ledger.adjust(account=account, amount=amount, reason=reason)
                # The balance the ledger found under its lock, before this entry.
                before = entry.balance_after - entry.amount
                record(
                    Actor.of_request(request),
                    "account.adjust",
                    obj=account,
                    summary=reason,
                    before={"balance": before},
                    after={"balance": entry.balance_after, "ledger_entry": entry.pk},
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
    status = Account.Status.SUSPENDED if request.POST.get("suspend") else Account.Status.ACTIVE
    if account.status != status:
        with transaction.atomic():
            before = account.status
            set_status(account=account, status=status)
            record(
                Actor.of_request(request),
                "account.suspend" if status == Account.Status.SUSPENDED else "account.reactivate",
                obj=account,
                before={"status": before},
                after={"status": status},
            )
        messages.success(request, _("The account is now %s.") % status.label.lower())
    return redirect("backoffice:user", pk=pk)


@require_POST
@staff_required(*CHANGE)
def user_reset_key(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("user"), pk=pk)
    with transaction.atomic():
        before = account.api_key_hint
        key = issue_api_key(account=account)
        record(
            Actor.of_request(request),
            "account.reset_key",
            obj=account,
            before={"api_key_hint": before},
            after={"api_key_hint": account.api_key_hint},
        )
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
    with transaction.atomic():
        before = account.rate_discount
        set_rate_discount(account=account, percent=form.cleaned_data["rate_discount"])
        if before != account.rate_discount:
            record(
                Actor.of_request(request),
                "account.discount",
                obj=account,
                before={"rate_discount": before},
                after={"rate_discount": account.rate_discount},
            )
    messages.success(request, _("Rate discount set to %s%%.") % account.rate_discount)
    return redirect("backoffice:user", pk=pk)
