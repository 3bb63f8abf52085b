from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class PagesErrorCode(StrEnum):
    TITLE_REQUIRED = "title_required"
    TEXT_TOO_LONG = "text_too_long"
    UNKNOWN_PAGE = "unknown_page"


MESSAGES = {
    PagesErrorCode.TITLE_REQUIRED: _(
        "The English title is required: it is shown when a language has none."
    ),
    PagesErrorCode.TEXT_TOO_LONG: _("A text is too long (at most {limit} characters)."),
    PagesErrorCode.UNKNOWN_PAGE: _("No such page."),
}


class PagesError(DomainError):
    messages = MESSAGES
