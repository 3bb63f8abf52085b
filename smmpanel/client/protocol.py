"""The sans-IO core shared by `Client` and `AsyncClient`.

A client method becomes a `Plan`: one or more `Call`s (action, string params, how to read the
reply, whether it is safe to repeat) and a `finish` that combines their results. A transport only
turns each call into an HTTP request (`dialect.build_request`), sends it, hands the status and
body to `read_reply`, maps transport exceptions with `fault_from_exception`, and asks
`retry_delay` whether to try again.
"""

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

import httpx

from smmpanel.netguard import AddressRefused

from .errors import (
    ClientError,
    ProviderAddressRefused,
    ProviderBadReply,
    ProviderFault,
    ProviderHTTPError,
    ProviderRefused,
    ProviderTimeout,
    ProviderUnreachable,
    clean_text,
)

T = TypeVar("T")
MAX_REPLY_BYTES = 32 * 1024 * 1024  # a reply beyond this is refused unread, not held in memory


@dataclass(frozen=True)
class Call:
    action: str
    params: dict[str, str]
    parse: Callable[[Any], Any]
    read_only: bool  # safe to send twice: retried after any fault


@dataclass(frozen=True)
class Plan(Generic[T]):
    calls: list[Call]
    finish: Callable[[list[Any]], T]


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def read_reply(status_code: int, body: bytes) -> Any:
    """The JSON value of a reply, or the documented error.

    `{"error": …}` (with HTTP 200 as the protocol says, or with a 4xx a panel may use) is
    `ProviderRefused`; a 5xx is `ProviderHTTPError` whatever its body; an HTML page, an empty
    body or invalid/truncated JSON is `ProviderBadReply`. Numbers with a fraction are `Decimal`.
    """
    text = body.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
    if status_code >= 500:
        raise ProviderHTTPError(f"HTTP {status_code}: {text[:200]}", status_code=status_code)
    value: Any = None
    error: str | None = None
    if not text:
        error = "empty reply"
    elif text.startswith("<"):
        error = "an HTML page instead of JSON"
    else:
        try:
            value = json.loads(text, parse_float=Decimal, parse_constant=_no_constants)
        except (ValueError, RecursionError):
            error = "invalid or truncated JSON"
    if isinstance(value, dict) and value.get("error") not in (None, "", False):
        raise ProviderRefused(_error_text(value["error"]))
    if not 200 <= status_code < 300:
        # 4xx: the request was answered without being acted on (404 page, 401, 429 …).
        raise ProviderHTTPError(
            f"HTTP {status_code}: {error or text[:200]}", status_code=status_code, maybe_sent=False
        )
    if error:
        raise ProviderBadReply(f"{error}: {text[:120]}" if text else error)
    return value


def _error_text(value: Any) -> str:
    if isinstance(value, dict):  # {"error": {"message": "…"}}
        value = value.get("message") or value.get("error") or json.dumps(value, default=str)
    return clean_text(value) or "unspecified error"


def item_error(value: Any) -> str | None:
    """The text of a per-id error item (`{"error": "Incorrect order ID"}`), else None."""
    if isinstance(value, dict) and "error" in value:
        return _error_text(value["error"])
    return None


def fault_from_exception(error: httpx.HTTPError) -> ProviderFault:
    """An httpx transport exception as the documented fault, with `maybe_sent` right."""
    detail = clean_text(f"{type(error).__name__}: {error}", 200)
    if isinstance(error.__cause__, AddressRefused):  # raised by a `netguard` transport
        refused = error.__cause__
        return ProviderAddressRefused(
            f"address refused ({refused})", host=refused.host, address=refused.address
        )
    if isinstance(error, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return ProviderUnreachable(f"connect timeout ({detail})")
    if isinstance(error, httpx.TimeoutException):  # read or write timeout: it may have arrived
        return ProviderTimeout(f"no reply in time ({detail})")
    if isinstance(error, httpx.ConnectError):
        return ProviderUnreachable(f"cannot connect ({detail})")
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
        return ProviderUnreachable(f"cannot send ({detail})")
    if isinstance(error, httpx.TransportError):  # reset or closed after sending
        return ProviderBadReply(f"connection dropped ({detail})")
    return ProviderBadReply(detail)


def retry_delay(
    call: Call, error: ClientError, attempt: int, *, retries: int, backoff: float
) -> float | None:
    """Seconds to wait before attempt `attempt + 1`, or None when the error is final.

    Read-only calls are retried after any fault; every call after a fault that certainly sent
    nothing. A refusal is an answer, never retried; `add` after a possible send is never retried.
    """
    if attempt >= retries or not isinstance(error, ProviderFault):
        return None
    if isinstance(error, ProviderAddressRefused):
        return None  # the same policy refuses it again
    if isinstance(error, ProviderHTTPError) and not error.maybe_sent:
        return None  # a 4xx answer: asking again gets the same
    if call.read_only or isinstance(error, ProviderUnreachable) and not error.maybe_sent:
        return backoff * (2**attempt) * (0.5 + random.random() / 2)
    return None
