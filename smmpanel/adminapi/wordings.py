"""The Admin API's error strings: the one table where it words a refused request, by domain
error code. English whatever the panel's language, as the API v2's (`api.errors`), whose
wordings it shares for the codes both meet; every code the Admin API can meet has one here
(tests/adminapi/test_errors.py)."""

from collections.abc import Mapping
from enum import StrEnum

from smmpanel.accounts.errors import AccountErrorCode
from smmpanel.adminapi.errors import AdminApiErrorCode
from smmpanel.api.errors import PROTOCOL as API_PROTOCOL
from smmpanel.errors import DomainError
from smmpanel.orders.errors import OrderErrorCode

INCORRECT_REQUEST = "Incorrect request"
TOO_MANY_REQUESTS = "Too many requests"
INTERNAL_ERROR = "Internal error, please try again later"

_SHARED = (
    OrderErrorCode.INCORRECT_ORDER,
    OrderErrorCode.ORDER_FINAL,
    OrderErrorCode.INVALID_STATUS,
    OrderErrorCode.INCORRECT_REFILL,
    OrderErrorCode.REMAINS_ABOVE_QUANTITY,
    OrderErrorCode.CANCEL_BY_FULFILMENT,
    AccountErrorCode.NOT_ENOUGH_FUNDS,
)

WORDINGS: Mapping[StrEnum, str] = {
    **{code: API_PROTOCOL[code] for code in _SHARED},
    AdminApiErrorCode.INVALID_KEY: "Invalid API key",
    AdminApiErrorCode.NOT_ALLOWED: "Your role may not do this",
    AdminApiErrorCode.MISSING_PARAMETER: "Missing parameter: {field}",
    AdminApiErrorCode.INCORRECT_PARAMETER: "Incorrect {field}",
    AdminApiErrorCode.INCORRECT_USER: "Incorrect user",
    AdminApiErrorCode.INCORRECT_CANCEL: "Incorrect cancel ID",
    AccountErrorCode.BALANCE_TOO_LARGE: "A balance must stay below {max}",
    AccountErrorCode.ADJUSTMENT_ZERO: "The amount must not be zero",
    AccountErrorCode.REASON_REQUIRED: "Missing parameter: reason",
}


def wording(error: DomainError) -> str:
    """The Admin API's words for `error` (KeyError for a code without any)."""
    return WORDINGS[error.code].format(**error.params)
