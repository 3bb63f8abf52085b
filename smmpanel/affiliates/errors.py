from collections.abc import Mapping
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class AffiliateErrorCode(StrEnum):
    BELOW_MINIMUM = "below_minimum"
    NOTHING_AVAILABLE = "nothing_available"
    INVALID_PERCENT = "invalid_percent"
    ALREADY_DECIDED = "already_decided"


MESSAGES: Mapping[StrEnum, str | Promise] = {
    AffiliateErrorCode.BELOW_MINIMUM: _("The least payout is {min}; you have {available}"),
    AffiliateErrorCode.NOTHING_AVAILABLE: _("No commission is available for a payout yet"),
    AffiliateErrorCode.INVALID_PERCENT: _("A percent from 0 to 100, or empty for the default"),
    AffiliateErrorCode.ALREADY_DECIDED: _("This payout request was already decided"),
}


class AffiliateError(DomainError):
    """A refused affiliate operation; nothing was written."""

    messages = MESSAGES
    code: AffiliateErrorCode
