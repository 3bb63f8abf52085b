"""A ticket's text as people type it: plain text, checked before anything is stored."""

from smmpanel.support.errors import SupportError, SupportErrorCode
from smmpanel.support.models import BODY_MAX_LENGTH


def clean_body(raw: str | None) -> str:
    """The message, its line ends made "\\n", NULs dropped (PostgreSQL refuses them), trimmed.

    SupportError EMPTY_MESSAGE or MESSAGE_TOO_LONG. The text is kept as typed: pages escape it
    (it is never HTML) and make its links links.
    """
    body = (raw or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not body:
        raise SupportError(SupportErrorCode.EMPTY_MESSAGE)
    if len(body) > BODY_MAX_LENGTH:
        raise SupportError(SupportErrorCode.MESSAGE_TOO_LONG, max=BODY_MAX_LENGTH)
    return body
