from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class AccountErrorCode(StrEnum):
    INVALID_KEY = "invalid_key"
    SUSPENDED = "suspended"
    NOT_ENOUGH_FUNDS = "not_enough_funds"
    INVALID_AMOUNT = "invalid_amount"
    USERNAME_TAKEN = "username_taken"
    NO_SUCH_USER = "no_such_user"


MESSAGES = {
    AccountErrorCode.INVALID_KEY: _("Invalid API key"),
    AccountErrorCode.SUSPENDED: _("Your account is suspended"),
    AccountErrorCode.NOT_ENOUGH_FUNDS: _("Not enough funds on balance"),
    AccountErrorCode.INVALID_AMOUNT: _("Invalid amount"),
    AccountErrorCode.USERNAME_TAKEN: _("This username is taken"),
    AccountErrorCode.NO_SUCH_USER: _("No such user"),
}


class AccountError(Exception):
    """A refused account operation; nothing was written."""

    def __init__(self, code: AccountErrorCode, message: str | None = None):
        self.code = code
        self.message = message or str(MESSAGES[code])
        super().__init__(self.message)
