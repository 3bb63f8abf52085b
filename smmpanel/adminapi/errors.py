from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class AdminApiErrorCode(StrEnum):
    INVALID_KEY = "invalid_key"
    NOT_ALLOWED = "not_allowed"
    NOT_STAFF = "not_staff"
    MISSING_PARAMETER = "missing_parameter"
    INCORRECT_PARAMETER = "incorrect_parameter"
    INCORRECT_USER = "incorrect_user"
    INCORRECT_CANCEL = "incorrect_cancel"


MESSAGES = {
    AdminApiErrorCode.INVALID_KEY: _("Invalid API key"),
    AdminApiErrorCode.NOT_ALLOWED: _("Your role may not do this"),
    AdminApiErrorCode.NOT_STAFF: _("No such staff user: {username}"),
    AdminApiErrorCode.MISSING_PARAMETER: _("Missing parameter: {field}"),
    AdminApiErrorCode.INCORRECT_PARAMETER: _("Incorrect {field}"),
    AdminApiErrorCode.INCORRECT_USER: _("Incorrect user"),
    AdminApiErrorCode.INCORRECT_CANCEL: _("Incorrect cancel ID"),
}


class AdminApiError(DomainError):
    """A refused Admin API request or staff key operation; nothing was written."""

    messages = MESSAGES
    code: AdminApiErrorCode
