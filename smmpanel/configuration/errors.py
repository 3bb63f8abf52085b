from collections.abc import Mapping
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class SettingsErrorCode(StrEnum):
    INVALID_CURRENCY = "invalid_currency"
    UNKNOWN_LANGUAGE = "unknown_language"
    INVALID_RATE_LIMIT = "invalid_rate_limit"
    INVALID_NUMBER = "invalid_number"
    INVALID_AFFILIATE_PERCENT = "invalid_affiliate_percent"
    INVALID_AFFILIATE_DAYS = "invalid_affiliate_days"
    INVALID_AFFILIATE_MIN_PAYOUT = "invalid_affiliate_min_payout"


MESSAGES: Mapping[StrEnum, str | Promise] = {
    SettingsErrorCode.INVALID_CURRENCY: _("A three-letter currency code, e.g. USD"),
    SettingsErrorCode.UNKNOWN_LANGUAGE: _("Unknown language: {languages}"),
    SettingsErrorCode.INVALID_RATE_LIMIT: _("A whole number, 0 for no limit"),
    SettingsErrorCode.INVALID_NUMBER: _("A whole number, 0 or more"),
    SettingsErrorCode.INVALID_AFFILIATE_PERCENT: _("A percent from 0 to 100"),
    SettingsErrorCode.INVALID_AFFILIATE_DAYS: _("A number of days from 0 to 3650"),
    SettingsErrorCode.INVALID_AFFILIATE_MIN_PAYOUT: _("An amount of 0 or more"),
}

# The setting each code is about: the form shows the message next to it.
FIELDS = {
    SettingsErrorCode.INVALID_CURRENCY: "currency",
    SettingsErrorCode.UNKNOWN_LANGUAGE: "languages",
    SettingsErrorCode.INVALID_RATE_LIMIT: "api_requests_per_minute",
    SettingsErrorCode.INVALID_AFFILIATE_PERCENT: "affiliate_percent",
    SettingsErrorCode.INVALID_AFFILIATE_DAYS: "affiliate_hold_days",
    SettingsErrorCode.INVALID_AFFILIATE_MIN_PAYOUT: "affiliate_min_payout",
}


class SettingsError(DomainError):
    """A refused settings change; nothing was stored."""

    messages = MESSAGES
    code: SettingsErrorCode

    @property
    def field(self) -> str:
        return str(self.params.get("field") or FIELDS[self.code])
