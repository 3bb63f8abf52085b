from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class AccountErrorCode(StrEnum):
    INVALID_KEY = "invalid_key"
    SUSPENDED = "suspended"
    NOT_ENOUGH_FUNDS = "not_enough_funds"
    INVALID_AMOUNT = "invalid_amount"
    BALANCE_TOO_LARGE = "balance_too_large"
    ADJUSTMENT_ZERO = "adjustment_zero"
    REASON_REQUIRED = "reason_required"
    INVALID_DISCOUNT = "invalid_discount"
    INVALID_USERNAME = "invalid_username"
    USERNAME_TAKEN = "username_taken"
    NO_SUCH_USER = "no_such_user"
    INVALID_RANK_NAME = "invalid_rank_name"
    RANK_NAME_TAKEN = "rank_name_taken"
    INVALID_MIN_SPENT = "invalid_min_spent"


MESSAGES = {
    AccountErrorCode.INVALID_KEY: _("Invalid API key"),
    AccountErrorCode.SUSPENDED: _("Your account is suspended"),
    AccountErrorCode.NOT_ENOUGH_FUNDS: _("Not enough funds on balance"),
    AccountErrorCode.INVALID_AMOUNT: _("The amount must be positive"),
    AccountErrorCode.BALANCE_TOO_LARGE: _("A balance must stay below {max}"),
    AccountErrorCode.ADJUSTMENT_ZERO: _("The adjustment must not be zero"),
    AccountErrorCode.REASON_REQUIRED: _("An adjustment needs a reason"),
    AccountErrorCode.INVALID_DISCOUNT: _("A discount from 0 to 99.99 percent"),
    AccountErrorCode.INVALID_USERNAME: _("A username of 1 to 150 characters"),
    AccountErrorCode.USERNAME_TAKEN: _("This username is taken"),
    AccountErrorCode.NO_SUCH_USER: _("No such user: {username}"),
    AccountErrorCode.INVALID_RANK_NAME: _("A rank name of 1 to 100 characters"),
    AccountErrorCode.RANK_NAME_TAKEN: _("Another rank has this name"),
    AccountErrorCode.INVALID_MIN_SPENT: _("The amount spent must be zero or more"),
}


class AccountError(DomainError):
    """A refused account operation; nothing was written."""

    messages = MESSAGES
    code: AccountErrorCode


class TwoFactorErrorCode(StrEnum):
    WRONG_CODE = "wrong_code"
    NOT_STARTED = "not_started"
    ALREADY_ON = "already_on"
    NOT_ON = "not_on"


TWO_FACTOR_MESSAGES = {
    TwoFactorErrorCode.WRONG_CODE: _("Wrong code: check the authenticator app and the clock"),
    TwoFactorErrorCode.NOT_STARTED: _("Start again: no two-factor set-up is waiting"),
    TwoFactorErrorCode.ALREADY_ON: _("Two-factor log-in is already on"),
    TwoFactorErrorCode.NOT_ON: _("Two-factor log-in is off"),
}


class TwoFactorError(DomainError):
    """A refused change of a customer's two-factor log-in; nothing was written."""

    messages = TWO_FACTOR_MESSAGES
    code: TwoFactorErrorCode
