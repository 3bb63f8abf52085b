from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class OrderErrorCode(StrEnum):
    INCORRECT_SERVICE = "incorrect_service"
    SERVICE_DISABLED = "service_disabled"
    INCORRECT_LINK = "incorrect_link"
    INCORRECT_QUANTITY = "incorrect_quantity"
    QUANTITY_TOO_SMALL = "quantity_too_small"
    QUANTITY_TOO_LARGE = "quantity_too_large"
    MISSING_FIELD = "missing_field"
    INVALID_FIELD = "invalid_field"
    DRIPFEED_NOT_AVAILABLE = "dripfeed_not_available"
    INCORRECT_RUNS = "incorrect_runs"
    INCORRECT_INTERVAL = "incorrect_interval"
    DUPLICATE_LINK = "duplicate_link"
    INCORRECT_ORDER = "incorrect_order"
    ORDER_FINAL = "order_final"
    INVALID_STATUS = "invalid_status"
    REFILL_NOT_AVAILABLE = "refill_not_available"
    ORDER_NOT_COMPLETED = "order_not_completed"
    REFILL_EXPIRED = "refill_expired"
    REFILL_PENDING = "refill_pending"
    INCORRECT_REFILL = "incorrect_refill"
    REFILL_NOT_FOUND = "refill_not_found"
    CANCEL_NOT_AVAILABLE = "cancel_not_available"
    CANCEL_PENDING = "cancel_pending"
    INCORRECT_PRODUCT = "incorrect_product"
    PRODUCT_DISABLED = "product_disabled"
    OUT_OF_STOCK = "out_of_stock"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    REMAINS_ABOVE_QUANTITY = "remains_above_quantity"
    CANCEL_BY_FULFILMENT = "cancel_by_fulfilment"


MESSAGES = {
    OrderErrorCode.INCORRECT_SERVICE: _("Incorrect service ID"),
    OrderErrorCode.SERVICE_DISABLED: _("Service is disabled"),
    OrderErrorCode.INCORRECT_LINK: _("Incorrect link"),
    OrderErrorCode.INCORRECT_QUANTITY: _("Incorrect quantity: a whole number is required"),
    OrderErrorCode.QUANTITY_TOO_SMALL: _("Quantity less than minimal {min}"),
    OrderErrorCode.QUANTITY_TOO_LARGE: _("Quantity more than maximal {max}"),
    OrderErrorCode.MISSING_FIELD: _("Missing parameter: {field}"),
    OrderErrorCode.INVALID_FIELD: _("Incorrect {field}"),
    OrderErrorCode.DRIPFEED_NOT_AVAILABLE: _("Drip-feed is not available for this service"),
    OrderErrorCode.INCORRECT_RUNS: _("Incorrect runs: a whole number from 2 to {max}"),
    OrderErrorCode.INCORRECT_INTERVAL: _("Incorrect interval: minutes from 1 to {max}"),
    OrderErrorCode.DUPLICATE_LINK: _(
        "You have active order with this link. Please wait until order being completed."
    ),
    OrderErrorCode.INCORRECT_ORDER: _("Incorrect order ID"),
    OrderErrorCode.ORDER_FINAL: _("The order is already finished"),
    OrderErrorCode.INVALID_STATUS: _("Incorrect status"),
    OrderErrorCode.REFILL_NOT_AVAILABLE: _("Refill is not available for this service"),
    OrderErrorCode.ORDER_NOT_COMPLETED: _("Refill is available for completed orders only"),
    OrderErrorCode.REFILL_EXPIRED: _("The refill period of this order has ended"),
    OrderErrorCode.REFILL_PENDING: _("A refill of this order is already in progress"),
    OrderErrorCode.INCORRECT_REFILL: _("Incorrect refill ID"),
    OrderErrorCode.REFILL_NOT_FOUND: _("Refill not found"),
    OrderErrorCode.CANCEL_NOT_AVAILABLE: _("Cancel is not available for this service"),
    OrderErrorCode.CANCEL_PENDING: _("A cancel of this order is already requested"),
    OrderErrorCode.INCORRECT_PRODUCT: _("Incorrect product ID"),
    OrderErrorCode.PRODUCT_DISABLED: _("Product is disabled"),
    OrderErrorCode.OUT_OF_STOCK: _("Product is out of stock"),
    OrderErrorCode.NOT_ENOUGH_STOCK: _("Not enough stock: {available} available"),
    OrderErrorCode.IDEMPOTENCY_KEY_REUSED: _(
        "This idempotency key was already used with different parameters"
    ),
    OrderErrorCode.REMAINS_ABOVE_QUANTITY: _("Remains above the quantity {quantity}"),
    OrderErrorCode.CANCEL_BY_FULFILMENT: _("Its fulfilment handles this cancel."),
}


class OrderError(DomainError):
    """A refused order operation, with a code for the API and a translatable message; nothing
    was written."""

    messages = MESSAGES
    code: OrderErrorCode
