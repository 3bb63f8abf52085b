"""The protocol's error strings: the one table where the API words a refused request.

The web shows a domain error's `message`, in the reader's language; the API answers the
protocol's exact English wording for its code (docs: ../shared/protocol.md §3 — clients and people
grep for them), whatever the web's wording becomes. Every code the API can meet has a wording
here (tests/api/test_errors.py); one without would be a bug, answered as an internal error.
"""

from collections.abc import Mapping
from enum import StrEnum

from smmpanel.accounts.errors import AccountErrorCode
from smmpanel.errors import DomainError
from smmpanel.orders.errors import OrderErrorCode

MAX_IDS = 100

# Replies that are not a domain's refusal.
INCORRECT_REQUEST = "Incorrect request"
TOO_MANY_REQUESTS = "Too many requests"
INTERNAL_ERROR = "Internal error, please try again later"


class ApiErrorCode(StrEnum):
    TOO_MANY_IDS = "too_many_ids"


class ApiError(DomainError):
    """A request the protocol itself refuses (more ids than a request may carry)."""

    # Only ever answered by the API, in English: nothing to translate.
    messages = {ApiErrorCode.TOO_MANY_IDS: "Too many IDs: maximum is {max}"}
    code: ApiErrorCode


PROTOCOL: Mapping[StrEnum, str] = {
    # The key.
    AccountErrorCode.INVALID_KEY: "Invalid API key",
    AccountErrorCode.SUSPENDED: "Your account is suspended",
    AccountErrorCode.NOT_ENOUGH_FUNDS: "Not enough funds on balance",
    ApiErrorCode.TOO_MANY_IDS: "Too many IDs: maximum is {max}",
    # add.
    OrderErrorCode.INCORRECT_SERVICE: "Incorrect service ID",
    OrderErrorCode.SERVICE_DISABLED: "Service is disabled",
    OrderErrorCode.INCORRECT_LINK: "Incorrect link",
    OrderErrorCode.INCORRECT_QUANTITY: "Incorrect quantity: a whole number is required",
    OrderErrorCode.QUANTITY_TOO_SMALL: "Quantity less than minimal {min}",
    OrderErrorCode.QUANTITY_TOO_LARGE: "Quantity more than maximal {max}",
    OrderErrorCode.MISSING_FIELD: "Missing parameter: {field}",
    OrderErrorCode.INVALID_FIELD: "Incorrect {field}",
    OrderErrorCode.DRIPFEED_NOT_AVAILABLE: "Drip-feed is not available for this service",
    OrderErrorCode.INCORRECT_RUNS: "Incorrect runs: a whole number from 2 to {max}",
    OrderErrorCode.INCORRECT_INTERVAL: "Incorrect interval: minutes from 1 to {max}",
    OrderErrorCode.DUPLICATE_LINK: (
        "You have active order with this link. Please wait until order being completed."
    ),
    OrderErrorCode.IDEMPOTENCY_KEY_REUSED: (
        "This idempotency key was already used with different parameters"
    ),
    # status, refill, refill_status, cancel.
    OrderErrorCode.INCORRECT_ORDER: "Incorrect order ID",
    OrderErrorCode.ORDER_FINAL: "The order is already finished",
    OrderErrorCode.INVALID_STATUS: "Incorrect status",
    OrderErrorCode.REFILL_NOT_AVAILABLE: "Refill is not available for this service",
    OrderErrorCode.ORDER_NOT_COMPLETED: "Refill is available for completed orders only",
    OrderErrorCode.REFILL_EXPIRED: "The refill period of this order has ended",
    OrderErrorCode.REFILL_PENDING: "A refill of this order is already in progress",
    OrderErrorCode.INCORRECT_REFILL: "Incorrect refill ID",
    OrderErrorCode.REFILL_NOT_FOUND: "Refill not found",
    OrderErrorCode.CANCEL_NOT_AVAILABLE: "Cancel is not available for this service",
    OrderErrorCode.CANCEL_PENDING: "A cancel of this order is already requested",
    # The products extension.
    OrderErrorCode.INCORRECT_PRODUCT: "Incorrect product ID",
    OrderErrorCode.PRODUCT_DISABLED: "Product is disabled",
    OrderErrorCode.OUT_OF_STOCK: "Product is out of stock",
    OrderErrorCode.NOT_ENOUGH_STOCK: "Not enough stock: {available} available",
    # The operator's decisions (the Admin API's to come).
    OrderErrorCode.REMAINS_ABOVE_QUANTITY: "Remains above the quantity {quantity}",
    OrderErrorCode.CANCEL_BY_FULFILMENT: "Its fulfilment handles this cancel.",
}


def wording(error: DomainError) -> str:
    """The protocol's words for `error` (KeyError for a code without any)."""
    return PROTOCOL[error.code].format(**error.params)
