"""Customers and their money, inspected (see staff/inspector.py); operators work on them in the
back-office. Kept here because the back-office has no page for it yet: the deposit (a ledger
entry of kind deposit, as `smmpanel user deposit` makes), through `accounts.actions`."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from smmpanel.accounts import ledger
from smmpanel.accounts.actions import deposit_funds
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.money import MoneyFormatError, format_amount, parse_amount
from smmpanel.staff.inspector import Inspector, is_superuser


def show_money(amount: Decimal) -> str:
    return format_amount(amount, settings.CURRENCY)


class DepositForm(ActionForm):
    """The changelist's action bar, with the amount and reason of a deposit."""

    amount = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"size": 10, "placeholder": "e.g. 25"})
    )
    reason = forms.CharField(
        required=False, max_length=255, widget=forms.TextInput(attrs={"size": 30})
    )


@admin.register(Account)
class AccountAdmin(Inspector):
    list_display = ["username", "balance_shown", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    ordering = ["-id"]
    fields = (
        "user",
        "status",
        "balance_shown",
        "ledger_total",
        "ledger_link",
        "api_key_hint",
        "api_key_hash",
        "created_at",
    )
    action_form = DepositForm
    actions = ["deposit"]

    @admin.display(description="username", ordering="user__username")
    def username(self, account: Account) -> str:
        return account.user.get_username()

    @admin.display(description="balance", ordering="balance")
    def balance_shown(self, account: Account) -> str:
        return show_money(account.balance)

    @admin.display(description="sum of the ledger")
    def ledger_total(self, account: Account) -> str:
        return show_money(ledger.ledger_total(account))

    @admin.display(description="ledger")
    def ledger_link(self, account: Account) -> str:
        url = reverse("admin:accounts_ledgerentry_changelist")
        return format_html('<a href="{}?account__id__exact={}">Ledger entries</a>', url, account.pk)

    def has_deposit_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    @admin.action(description="Deposit the amount (one account)", permissions=["deposit"])
    def deposit(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        accounts = list(queryset[:2])
        if len(accounts) != 1:
            self.message_user(request, "Select exactly one account.", messages.ERROR)
            return
        account = accounts[0]
        reason = request.POST.get("reason", "").strip()
        try:
            amount = parse_amount(request.POST.get("amount", ""))
            entry = deposit_funds(
                account_id=account.pk,
                amount=amount,
                reason=reason,
                acting_user=Actor.of_request(request),
            )
        except MoneyFormatError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        except AccountError as error:
            self.message_user(request, f"{account}: {error.message}", messages.ERROR)
            return
        summary = f"{entry.get_kind_display()} of {show_money(entry.amount)}"
        self.message_user(
            request,
            f"{account}: {summary}; the balance is now {show_money(entry.balance_after)}.",
            messages.SUCCESS,
        )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(Inspector):
    list_display = [
        "id",
        "created_at",
        "account",
        "kind",
        "amount_shown",
        "balance_after_shown",
        "order",
        "product_order",
        "reason",
    ]
    list_filter = ["kind"]
    search_fields = ["account__user__username"]
    list_select_related = ["account__user"]
    date_hierarchy = "created_at"
    ordering = ["-id"]

    @admin.display(description="amount", ordering="amount")
    def amount_shown(self, entry: LedgerEntry) -> str:
        return show_money(entry.amount)

    @admin.display(description="balance after", ordering="balance_after")
    def balance_after_shown(self, entry: LedgerEntry) -> str:
        return show_money(entry.balance_after)
