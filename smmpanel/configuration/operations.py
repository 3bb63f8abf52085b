"""Changing the panel's settings: the operator's overrides of the environment's defaults."""

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.configuration import current
from smmpanel.configuration.errors import SettingsError, SettingsErrorCode
from smmpanel.configuration.models import PanelSettings
from smmpanel.inputs import MAX_INTEGER
from smmpanel.money import MAX_AMOUNT, quantize

# The support tickets' settings: three switches, then two whole numbers.
SUPPORT_SWITCHES = ("support_auto_refill", "support_auto_cancel", "support_auto_speed_up")
SUPPORT_NUMBERS = ("support_open_tickets", "support_order_cooldown_hours")
SUPPORT = (*SUPPORT_SWITCHES, *SUPPORT_NUMBERS)

OVERRIDES = (
    "panel_name",
    "currency",
    "languages",
    "refuse_duplicate_link",
    "api_requests_per_minute",
    *SUPPORT,
    "affiliate_percent",
    "affiliate_cookie_days",
    "affiliate_hold_days",
    "affiliate_min_payout",
)


def _check(values: dict) -> dict:
    currency = (values.get("currency") or "").strip().upper()
    if currency and not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
        raise SettingsError(SettingsErrorCode.INVALID_CURRENCY)
    offered = current.available_languages()
    languages = [code for code in values.get("languages") or [] if code]
    unknown = [code for code in languages if code not in offered]
    if unknown:
        raise SettingsError(SettingsErrorCode.UNKNOWN_LANGUAGE, languages=", ".join(unknown))
    rate = values.get("api_requests_per_minute")
    if rate is not None and not 0 <= rate < 2**31:
        raise SettingsError(SettingsErrorCode.INVALID_RATE_LIMIT)
    for name in SUPPORT_NUMBERS:
        number = values.get(name)
        if number is not None and not (isinstance(number, int) and 0 <= number <= MAX_INTEGER):
            raise SettingsError(SettingsErrorCode.INVALID_NUMBER, field=name)
    percent = values.get("affiliate_percent")
    if percent is not None and not (percent.is_finite() and 0 <= percent <= 100):  # type: ignore[attr-defined]
        raise SettingsError(SettingsErrorCode.INVALID_AFFILIATE_PERCENT)
    minimum = values.get("affiliate_min_payout")
    if minimum is not None and not (minimum.is_finite() and 0 <= minimum < MAX_AMOUNT):  # type: ignore[attr-defined]
        raise SettingsError(SettingsErrorCode.INVALID_AFFILIATE_MIN_PAYOUT)
    days = [values.get("affiliate_cookie_days"), values.get("affiliate_hold_days")]
    if any(day is not None and not 0 <= day <= 3650 for day in days):  # type: ignore[operator]
        raise SettingsError(SettingsErrorCode.INVALID_AFFILIATE_DAYS)
    return {
        "panel_name": (values.get("panel_name") or "").strip()[:100],
        "currency": currency,
        "languages": ",".join(code for code in offered if code in languages),
        "refuse_duplicate_link": values.get("refuse_duplicate_link"),
        "api_requests_per_minute": rate,
        **{name: values.get(name) for name in SUPPORT},
        "affiliate_percent": percent,
        "affiliate_cookie_days": values.get("affiliate_cookie_days"),
        "affiliate_hold_days": values.get("affiliate_hold_days"),
        "affiliate_min_payout": quantize(minimum) if minimum is not None else None,  # type: ignore[arg-type]
    }


def overrides() -> dict:
    """The stored overrides (blank/None: the environment's default applies)."""
    row = PanelSettings.objects.filter(pk=1).first() or PanelSettings(pk=1)
    return {name: getattr(row, name) for name in OVERRIDES}


def update_settings(*, acting_user: Actor, **values: object) -> dict:
    """Store the operator's overrides (blank or None keeps the default) and return them.

    Takes every override; SettingsError, and nothing stored, when one is malformed. Locks the
    settings' row, and records "settings.update" with the overrides before and after in the
    same transaction; nothing is recorded when they stay as they were.
    """
    checked = _check(values)
    with transaction.atomic():
        row, _created = PanelSettings.objects.select_for_update().get_or_create(pk=1)
        before = {name: getattr(row, name) for name in OVERRIDES}
        for name, value in checked.items():
            setattr(row, name, value)
        after = {name: getattr(row, name) for name in OVERRIDES}
        if after == before:
            return after
        row.save()
        record(
            acting_user,
            "settings.update",
            object_type="configuration.panelsettings",
            object_id=1,
            before=before,
            after=after,
        )
    return after
