"""The panel's settings: the operator's overrides of the environment's defaults."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.configuration.errors import SettingsError
from smmpanel.configuration.operations import SUPPORT_SWITCHES, overrides, update_settings
from smmpanel.inputs import MAX_INTEGER
from smmpanel.money import MAX_DIGITS, SCALE

TRI_STATE = [
    ("", gettext_lazy("Default")),
    ("on", gettext_lazy("Refuse")),
    ("off", gettext_lazy("Allow")),
]

SWITCH = [
    ("", gettext_lazy("Default")),
    ("on", gettext_lazy("On")),
    ("off", gettext_lazy("Off")),
]


class SettingsForm(forms.Form):
    panel_name = forms.CharField(label=gettext_lazy("Panel name"), max_length=100, required=False)
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, required=False)
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Languages offered"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=settings.LANGUAGES,
    )
    refuse_duplicate_link = forms.ChoiceField(
        label=gettext_lazy("A second active order for the same service and link"),
        required=False,
        choices=TRI_STATE,
    )
    api_requests_per_minute = forms.IntegerField(
        label=gettext_lazy("API requests per minute and key (0: no limit)"),
        required=False,
        min_value=0,
        max_value=MAX_INTEGER,
    )
    support_auto_refill = forms.ChoiceField(
        label=gettext_lazy("Tickets: refill requests handled by the panel"),
        required=False,
        choices=SWITCH,
    )
    support_auto_cancel = forms.ChoiceField(
        label=gettext_lazy("Tickets: cancel requests handled by the panel"),
        required=False,
        choices=SWITCH,
    )
    support_auto_speed_up = forms.ChoiceField(
        label=gettext_lazy("Tickets: speed-up requests handled by the panel"),
        required=False,
        choices=SWITCH,
    )
    support_open_tickets = forms.IntegerField(
        label=gettext_lazy("Open tickets per customer (0: no limit)"),
        required=False,
        min_value=0,
        max_value=MAX_INTEGER,
    )
    support_order_cooldown_hours = forms.IntegerField(
        label=gettext_lazy("Hours before a ticket may act again on the same order"),
        required=False,
        min_value=0,
        max_value=MAX_INTEGER,
    )

    affiliate_percent = forms.DecimalField(
        label=gettext_lazy("Affiliate commission, percent of each referred deposit"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    affiliate_cookie_days = forms.IntegerField(
        label=gettext_lazy("Days a referral link's visit counts"),
        required=False,
        min_value=0,
        max_value=3650,
    )
    affiliate_hold_days = forms.IntegerField(
        label=gettext_lazy("Days a commission is held before payout"),
        required=False,
        min_value=0,
        max_value=3650,
    )
    affiliate_min_payout = forms.DecimalField(
        label=gettext_lazy("Least affiliate payout"),
        required=False,
        min_value=0,
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
    )


def _switch_value(stored: bool | None) -> str:
    return "" if stored is None else ("on" if stored else "off")


def _initial() -> dict:
    values = overrides()
    duplicate = values["refuse_duplicate_link"]
    values["refuse_duplicate_link"] = "" if duplicate is None else ("on" if duplicate else "off")
    values["languages"] = [code for code in values["languages"].split(",") if code]
    for name in SUPPORT_SWITCHES:
        values[name] = _switch_value(values[name])
    return values


def _defaults() -> dict:
    return {
        "panel_name": settings.PANEL_NAME,
        "currency": settings.CURRENCY,
        "languages": ", ".join(code for code, _name in settings.LANGUAGES),
        "refuse_duplicate_link": _("Refuse") if settings.REFUSE_DUPLICATE_LINK else _("Allow"),
        "api_requests_per_minute": settings.API_REQUESTS_PER_MINUTE,
        "support_auto_refill": _("On") if settings.SUPPORT_AUTO_REFILL else _("Off"),
        "support_auto_cancel": _("On") if settings.SUPPORT_AUTO_CANCEL else _("Off"),
        "support_auto_speed_up": _("On") if settings.SUPPORT_AUTO_SPEED_UP else _("Off"),
        "support_open_tickets": settings.SUPPORT_OPEN_TICKETS,
        "support_order_cooldown_hours": settings.SUPPORT_ORDER_COOLDOWN_HOURS,
        "affiliate_percent": settings.AFFILIATE_PERCENT,
        "affiliate_cookie_days": settings.AFFILIATE_COOKIE_DAYS,
        "affiliate_hold_days": settings.AFFILIATE_HOLD_DAYS,
        "affiliate_min_payout": settings.AFFILIATE_MIN_PAYOUT,
    }


@staff_required("configuration.change_panelsettings")
def settings_page(request: HttpRequest) -> HttpResponse:
    form = SettingsForm(request.POST or None, initial=_initial())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        duplicate = data["refuse_duplicate_link"]
        data["refuse_duplicate_link"] = None if not duplicate else duplicate == "on"
        for name in SUPPORT_SWITCHES:
            data[name] = None if not data[name] else data[name] == "on"
        try:
            update_settings(acting_user=Actor.of_request(request), **data)
        except SettingsError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("backoffice:settings")
    defaults = _defaults()
    rows = [(field, defaults[field.name]) for field in form]
    return render_page(
        request,
        "backoffice/settings.html",
        "settings",
        form=form,
        rows=rows,
        status=400 if form.is_bound else 200,
    )
