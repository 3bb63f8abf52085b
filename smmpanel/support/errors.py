from collections.abc import Mapping
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class SupportErrorCode(StrEnum):
    UNKNOWN_KIND = "unknown_kind"
    ORDERS_REQUIRED = "orders_required"
    TOO_MANY_ORDERS = "too_many_orders"
    NOT_YOUR_ORDERS = "not_your_orders"
    EMPTY_MESSAGE = "empty_message"
    MESSAGE_TOO_LONG = "message_too_long"
    TOO_MANY_OPEN = "too_many_open"
    TOO_MANY_NEW = "too_many_new"
    NOT_STAFF = "not_staff"
    UNKNOWN_LANGUAGE = "unknown_language"
    EMPTY_TITLE = "empty_title"
    DUPLICATE_TITLE = "duplicate_title"


MESSAGES: Mapping[StrEnum, str | Promise] = {
    SupportErrorCode.UNKNOWN_KIND: _("Choose what the ticket is about."),
    SupportErrorCode.ORDERS_REQUIRED: _("Give the ids of the orders this ticket is about."),
    SupportErrorCode.TOO_MANY_ORDERS: _("At most {max} orders per ticket."),
    SupportErrorCode.NOT_YOUR_ORDERS: _("These are not orders of yours: {ids}"),
    SupportErrorCode.EMPTY_MESSAGE: _("Write a message."),
    SupportErrorCode.MESSAGE_TOO_LONG: _("At most {max} characters."),
    SupportErrorCode.TOO_MANY_OPEN: _(
        "You already have {max} open tickets: wait for an answer or close one first."
    ),
    SupportErrorCode.TOO_MANY_NEW: _("Too many new tickets: try again later."),
    SupportErrorCode.NOT_STAFF: _("Tickets can only be assigned to staff."),
    SupportErrorCode.UNKNOWN_LANGUAGE: _("Unknown language: {languages}"),
    SupportErrorCode.EMPTY_TITLE: _("Give the reply a title."),
    SupportErrorCode.DUPLICATE_TITLE: _("A reply with this title exists in this language."),
}

# The form field each code is about.
FIELDS = {
    SupportErrorCode.UNKNOWN_KIND: "kind",
    SupportErrorCode.ORDERS_REQUIRED: "orders",
    SupportErrorCode.TOO_MANY_ORDERS: "orders",
    SupportErrorCode.NOT_YOUR_ORDERS: "orders",
    SupportErrorCode.EMPTY_MESSAGE: "body",
    SupportErrorCode.MESSAGE_TOO_LONG: "body",
    SupportErrorCode.UNKNOWN_LANGUAGE: "language",
    SupportErrorCode.EMPTY_TITLE: "title",
    SupportErrorCode.DUPLICATE_TITLE: "title",
}


class SupportError(DomainError):
    """A refused ticket operation; nothing was stored."""

    messages = MESSAGES
    code: SupportErrorCode

    @property
    def field(self) -> str | None:
        return FIELDS.get(self.code)
