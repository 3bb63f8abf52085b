"""The notification part of the customer's profile: choices, and the Telegram link."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, snapshot
from smmpanel.notifications.forms import LABELS, PreferencesForm
from smmpanel.notifications.preferences import (
    deep_link,
    preferences_of,
    save_preferences,
    start_telegram_link,
    unlink_telegram,
)
from smmpanel.panel.customer import customer_required


def profile_context(account: Account) -> dict:
    """What the profile page shows of the notifications (its template includes ours)."""
    preferences = preferences_of(account)
    return {
        "notifications_form": PreferencesForm(initial=snapshot(preferences, tuple(LABELS))),
        "telegram_enabled": bool(settings.TELEGRAM_BOT_TOKEN),
        "telegram_linked": bool(preferences.telegram_chat_id),
        "telegram_link": deep_link(preferences.telegram_code or ""),
    }


@require_POST
@customer_required
def save(request: HttpRequest, account: Account) -> HttpResponse:
    form = PreferencesForm(request.POST)
    if form.is_valid():
        save_preferences(
            account=account, acting_user=Actor.of_request(request), values=form.cleaned_data
        )
        messages.success(request, _("Your notification choices are saved."))
    return redirect("panel:profile")


@require_POST
@customer_required
def telegram_link(request: HttpRequest, account: Account) -> HttpResponse:
    start_telegram_link(account=account, acting_user=Actor.of_request(request))
    return redirect("panel:profile")


@require_POST
@customer_required
def telegram_unlink(request: HttpRequest, account: Account) -> HttpResponse:
    unlink_telegram(account=account, acting_user=Actor.of_request(request))
    messages.success(request, _("Your Telegram is no longer linked."))
    return redirect("panel:profile")
