"""The operator's view of customers and their money (the first release's back-office).

Nothing here writes a balance, a key or a status itself: the actions call `accounts.ledger`,
`accounts.keys` and `accounts.registration`, and every action is recorded in the admin log.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from smmpanel.accounts import ledger
from smmpanel.accounts.actions import reactivate_account, suspend_account
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.keys import issue_api_key
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.money import MoneyFormatError, format_amount, parse_amount


def show_money(amount: Decimal) -> str:
    return format_amount(amount, settings.CURRENCY)


class AccountActionForm(ActionForm):
    """The changelist's action bar, with the amount and reason the money actions need."""

    amount = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "e.g. 25 or -3.50"}),
    )
    reason = forms.CharField(
        required=False, max_length=255, widget=forms.TextInput(attrs={"size": 30})
    )


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["username", "balance_shown", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    ordering = ["-id"]
    action_form = AccountActionForm
    actions = ["deposit", "adjust", "suspend", "reactivate", "reset_api_key"]
    # Every field is read-only: a balance, a status or a key changes only through an action.
    fields = readonly_fields = (
        "user",
        "status",
        "balance_shown",
        "ledger_total",
        "ledger_link",
        "api_key_hint",
        "api_key_hash",
        "created_at",
    )

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Customers sign up or are created by `smmpanel user create`, which issues their key.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Account | None = None) -> bool:
        return False

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Account | None = None,
    ) -> HttpResponse:
        # Nothing on the page is editable, so offer no Save buttons.
        context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _move_money(
        self,
        request: HttpRequest,
        queryset: QuerySet[Account],
        operation: Callable[..., LedgerEntry],
        *,
        reason_required: bool,
    ) -> None:
        accounts = list(queryset[:2])
        if len(accounts) != 1:
            self.message_user(request, "Select exactly one account.", messages.ERROR)
            return
        account = accounts[0]
        reason = request.POST.get("reason", "").strip()
        if reason_required and not reason:
            self.message_user(request, "Give a reason for the adjustment.", messages.ERROR)
            return
        try:
            amount = parse_amount(request.POST.get("amount", ""))
            entry = operation(account=account, amount=amount, reason=reason)
        except MoneyFormatError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        except AccountError as error:
            self.message_user(request, f"{account}: {error.message}", messages.ERROR)
            return
        summary = f"{entry.get_kind_display()} of {show_money(entry.amount)}"
        self.log_change(request, account, f"{summary}: {reason}" if reason else summary)
        self.message_user(
            request,
            f"{account}: {summary}; the balance is now {show_money(entry.balance_after)}.",
            messages.SUCCESS,
        )

    @admin.action(description="Deposit the amount (one account)", permissions=["change"])
    def deposit(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        self._move_money(request, queryset, ledger.deposit, reason_required=False)

    @admin.action(
        description="Adjust the balance by the signed amount, with a reason (one account)",
        permissions=["change"],
    )
    def adjust(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        self._move_money(request, queryset, ledger.adjust, reason_required=True)

    def _set_status(
        self, request: HttpRequest, queryset: QuerySet[Account], status: Account.Status
    ) -> None:
        accounts = list(queryset.select_related("user"))
        change = suspend_account if status == Account.Status.SUSPENDED else reactivate_account
        for account in accounts:
            change(account_id=account.pk, acting_user=Actor.of_request(request))
            self.log_change(request, account, f"Status set to {status.label}")
        self.message_user(
            request, f"{len(accounts)} account(s) now {status.label.lower()}.", messages.SUCCESS
        )

    @admin.action(description="Suspend", permissions=["change"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        self._set_status(request, queryset, Account.Status.SUSPENDED)

    @admin.action(description="Reactivate", permissions=["change"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        self._set_status(request, queryset, Account.Status.ACTIVE)

    @admin.action(
        description="Reset the API key (the old key stops working)", permissions=["change"]
    )
    def reset_api_key(self, request: HttpRequest, queryset: QuerySet[Account]) -> None:
        for account in queryset.select_related("user"):
            key = issue_api_key(account=account)
            self.log_change(request, account, "API key reset")
            # Only the hash is kept: this message is the one time the key is shown.
            self.message_user(
                request,
                f"New API key of {account}: {key} (shown once; copy it now)",
                messages.WARNING,
            )


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """The ledger is history: it can be read and searched, never written here."""

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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LedgerEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LedgerEntry | None = None) -> bool:
        return False
