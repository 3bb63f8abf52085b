from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class PaymentErrorCode(StrEnum):
    METHOD_UNAVAILABLE = "method_unavailable"
    AMOUNT_TOO_SMALL = "amount_too_small"
    AMOUNT_TOO_LARGE = "amount_too_large"
    INVALID_AMOUNT = "invalid_amount"
    REFERENCE_REQUIRED = "reference_required"
    ALREADY_DECIDED = "already_decided"
    NO_SUCH_PAYMENT = "no_such_payment"
    BAD_SIGNATURE = "bad_signature"
    TOO_MANY_PENDING = "too_many_pending"
    INVALID_METHOD = "invalid_method"
    UNKNOWN_GATEWAY = "unknown_gateway"
    MAX_BELOW_MIN = "max_below_min"
    AMOUNT_MISMATCH = "amount_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"
    GATEWAY_UNAVAILABLE = "gateway_unavailable"
    MISSING_CREDENTIAL = "missing_credential"
    INVALID_RATE = "invalid_rate"
    INVALID_FEE = "invalid_fee"
    UNSUPPORTED_CURRENCY = "unsupported_currency"
    NO_STATUS_CHECK = "no_status_check"
    INVALID_COUPON_CODE = "invalid_coupon_code"
    INVALID_COUPON = "invalid_coupon"
    COUPON_TAKEN = "coupon_taken"
    COUPON_UNAVAILABLE = "coupon_unavailable"
    INVALID_BONUS = "invalid_bonus"


MESSAGES = {
    PaymentErrorCode.METHOD_UNAVAILABLE: _("This payment method is not available"),
    PaymentErrorCode.AMOUNT_TOO_SMALL: _("The minimum amount is {min}"),
    PaymentErrorCode.AMOUNT_TOO_LARGE: _("The maximum amount is {max}"),
    PaymentErrorCode.INVALID_AMOUNT: _("Enter a positive amount"),
    PaymentErrorCode.REFERENCE_REQUIRED: _("Enter the reference of your transfer"),
    PaymentErrorCode.ALREADY_DECIDED: _("This payment was already approved or rejected"),
    PaymentErrorCode.NO_SUCH_PAYMENT: _("No such payment"),
    PaymentErrorCode.BAD_SIGNATURE: _("The payment notification's signature is wrong"),
    PaymentErrorCode.INVALID_METHOD: _("A payment method needs a name"),
    PaymentErrorCode.UNKNOWN_GATEWAY: _("No payment plug-in is called {gateway}"),
    PaymentErrorCode.MAX_BELOW_MIN: _("The maximum amount is below the minimum"),
    PaymentErrorCode.AMOUNT_MISMATCH: _("The notification's amount is not the payment's"),
    PaymentErrorCode.CURRENCY_MISMATCH: _("The notification's currency is not the payment's"),
    PaymentErrorCode.GATEWAY_UNAVAILABLE: _(
        "The payment service can not be reached just now; try again in a few minutes"
    ),
    PaymentErrorCode.MISSING_CREDENTIAL: _("This payment method needs the credential {name}"),
    PaymentErrorCode.INVALID_RATE: _("The exchange rate must be a positive number"),
    PaymentErrorCode.INVALID_FEE: _(
        "The fee must be from 0 to 99.99 percent plus a positive amount"
    ),
    PaymentErrorCode.UNSUPPORTED_CURRENCY: _("This payment service does not take {currency}"),
    PaymentErrorCode.INVALID_COUPON_CODE: _(
        "A coupon code has 3 to 32 letters, digits, dashes or underscores"
    ),
    PaymentErrorCode.INVALID_COUPON: _(
        "A coupon is worth either an amount above zero or a percent from 0 to 100, "
        "for at least one use"
    ),
    PaymentErrorCode.COUPON_TAKEN: _("The coupon code {coupon} is taken"),
    PaymentErrorCode.COUPON_UNAVAILABLE: _("This coupon can not be used"),
    PaymentErrorCode.INVALID_BONUS: _(
        "A bonus tier needs an amount above zero and a percent from 0 to 100"
    ),
    PaymentErrorCode.NO_STATUS_CHECK: _("This payment service can not be asked about a payment"),
    PaymentErrorCode.TOO_MANY_PENDING: _(
        "You have too many payments waiting for approval; wait until they are checked"
    ),
}


class PaymentError(DomainError):
    """A refused payment operation, with a code and a translatable message; nothing was written."""

    messages = MESSAGES
    code: PaymentErrorCode
