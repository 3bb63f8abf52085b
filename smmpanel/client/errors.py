"""The client's exceptions: every way a call to a provider can go wrong, as a value to catch.

`ProviderRefused` is a business answer (`{"error": "…"}`); `ProviderFault` and its subclasses are
technical failures, with `maybe_sent` telling whether the provider may have acted on the request.
"""

import unicodedata
from enum import StrEnum

MAX_MESSAGE = 500


class FaultKind(StrEnum):
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    HTTP = "http"
    BAD_REPLY = "bad_reply"
    REFUSED = "refused"


def clean_text(value: object, limit: int = MAX_MESSAGE) -> str:
    """Untrusted provider text as one plain line: no control characters, at most `limit` chars."""
    text = value if isinstance(value, str) else str(value)
    text = "".join(
        " " if ch in "\r\n\t" else ch
        for ch in text
        if ch in "\r\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co")
    ).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ClientError(Exception):
    """Base of every error of `smmpanel.client`."""

    kind: FaultKind = FaultKind.BAD_REPLY

    def __init__(self, message: object) -> None:
        self.message = clean_text(message)
        super().__init__(self.message)


class ProviderRefused(ClientError):
    """The provider answered `{"error": "…"}`: it understood and refused; nothing was done."""

    kind = FaultKind.REFUSED


class ProviderFault(ClientError):
    """The call failed technically. `maybe_sent`: the provider may have received and acted on it."""

    def __init__(self, message: object, *, maybe_sent: bool = True) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


class ProviderTimeout(ProviderFault):
    """No (complete) reply in time after the request was sent."""

    kind = FaultKind.TIMEOUT


class ProviderUnreachable(ProviderFault):
    """No connection: refused, DNS failure, connect timeout, invalid URL. Nothing was sent."""

    kind = FaultKind.UNREACHABLE

    def __init__(self, message: object, *, maybe_sent: bool = False) -> None:
        super().__init__(message, maybe_sent=maybe_sent)


class ProviderAddressRefused(ProviderUnreachable):
    """The provider's host resolved to an address the caller's policy refuses (a private or
    loopback one, say); nothing was connected to it or sent, and asking again is pointless."""

    def __init__(self, message: object, *, host: str, address: str) -> None:
        super().__init__(message)
        self.host, self.address = host, address


class ProviderHTTPError(ProviderFault):
    """An HTTP status other than 2xx without a usable `{"error": …}` reply (5xx, 404 page, …)."""

    kind = FaultKind.HTTP

    def __init__(self, message: object, *, status_code: int, maybe_sent: bool = True) -> None:
        super().__init__(message, maybe_sent=maybe_sent)
        self.status_code = status_code


class ProviderBadReply(ProviderFault):
    """A reply that is not the protocol: HTML, empty, truncated or invalid JSON, wrong shape,
    a missing field, or a connection dropped in the middle of the reply."""

    kind = FaultKind.BAD_REPLY
