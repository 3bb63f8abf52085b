"""Changing the panel's settings."""

from django.db import transaction
from django.utils.translation import gettext as _

from smmpanel.configuration import current
from smmpanel.configuration.models import PanelSettings

OVERRIDES = (
    "panel_name",
    "currency",
    "languages",
    "refuse_duplicate_link",
    "api_requests_per_minute",
)


class SettingsError(ValueError):
    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(message)


def _check(values: dict) -> dict:
    currency = (values.get("currency") or "").strip().upper()
    if currency and not (len(currency) == 3 and currency.isalpha() and currency.isascii()):
        raise SettingsError("currency", _("A three-letter currency code, e.g. USD"))
    offered = current.available_languages()
    languages = [code for code in values.get("languages") or [] if code]
    unknown = [code for code in languages if code not in offered]
    if unknown:
        raise SettingsError("languages", _("Unknown language: %s") % ", ".join(unknown))
    rate = values.get("api_requests_per_minute")
    if rate is not None and not 0 <= rate < 2**31:
        raise SettingsError("api_requests_per_minute", _("A whole number, 0 for no limit"))
    return {
        "panel_name": (values.get("panel_name") or "").strip()[:100],
        "currency": currency,
        "languages": ",".join(code for code in offered if code in languages),
        "refuse_duplicate_link": values.get("refuse_duplicate_link"),
        "api_requests_per_minute": rate,
    }


def overrides() -> dict:
    """The stored overrides (blank/None: the environment's default applies)."""
    row = PanelSettings.objects.filter(pk=1).first() or PanelSettings(pk=1)
    return {name: getattr(row, name) for name in OVERRIDES}


def update_settings(**values: object) -> tuple[dict, dict]:
    """Store the operator's overrides (blank or None keeps the default); return (before, after).

    Takes every override; SettingsError, and nothing stored, when one is malformed.
    """
    checked = _check(values)
    with transaction.atomic():
        row, _created = PanelSettings.objects.select_for_update().get_or_create(pk=1)
        before = {name: getattr(row, name) for name in OVERRIDES}
        for name, value in checked.items():
            setattr(row, name, value)
        row.save()
        after = {name: getattr(row, name) for name in OVERRIDES}
    return before, after
