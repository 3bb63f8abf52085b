from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class MassOrderErrorCode(StrEnum):
    LINE_FORMAT = "line_format"
    TOO_MANY_LINES = "too_many_lines"
    NO_LINES = "no_lines"


MESSAGES = {
    MassOrderErrorCode.LINE_FORMAT: _("Write each line as: service_id | link | quantity"),
    MassOrderErrorCode.TOO_MANY_LINES: _("At most {max} lines at once"),
    MassOrderErrorCode.NO_LINES: _("Write at least one line"),
}


class MassOrderError(DomainError):
    """A mass order that can not be read (a line of it, or the whole text); nothing was placed."""

    messages = MESSAGES
    code: MassOrderErrorCode
