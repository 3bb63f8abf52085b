"""Every dialect of API v2 in, one shape out: (key, action, params) with string values.

Accepted: GET with a query string; POST with a form, multipart or JSON object body (query-string
parameters merged in under the body's); the key as `key` or `Authorization: Bearer`; the
`Idempotency-Key` header as the `idempotency_key` parameter.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_VALUE_LENGTH = 200_000


class DialectError(ValueError):
    """The request can not be read as API v2 at all."""


@dataclass(frozen=True)
class ApiRequest:
    key: str | None
    action: str
    params: dict[str, str]


def _text(value: object) -> str | None:
    """A parameter as the domain sees it: a stripped string (None for JSON null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, list):
        # JSON clients send id lists as arrays: "orders": [1, 2, 3].
        parts = [_text(item) for item in value if not isinstance(item, (list, dict))]
        return ",".join(part for part in parts if part is not None)
    if isinstance(value, str):
        return value.strip()
    raise DialectError("nested objects are not parameters")


def _no_constants(name: str) -> None:
    raise DialectError(f"{name} is not a value")


def _json_body(body: bytes) -> dict[str, str]:
    try:
        # Decimal keeps numbers exact; Python ints keep a 40-digit quantity a number, not an error.
        data = json.loads(body, parse_float=Decimal, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise DialectError("invalid JSON") from None
    if not isinstance(data, dict):
        raise DialectError("the JSON body must be an object")
    params = {}
    for name, value in data.items():
        text = _text(value)
        if text is not None:
            params[str(name)] = text
    return params


# Encodings in which "%2C" is the comma, as in ASCII.
_ASCII_COMMA = {"utf-8", "utf8", "iso-8859-1", "latin-1", "latin1", "ascii", "us-ascii"}


def _commas_decoded(text: str, encoding: str) -> str:
    """`text` with its escaped commas decoded, when they are its only escapes: then it yields the
    same pairs, and `parse_qsl` has nothing to unquote. A 100-id status ("orders=1%2C2%2C3…",
    as PHP and curl send it) spends most of its parsing unquoting a hundred commas one by one."""
    escapes = text.count("%")
    if not escapes or encoding.lower() not in _ASCII_COMMA:
        return text
    if escapes != text.count("%2C") + text.count("%2c"):
        return text
    return text.replace("%2C", ",").replace("%2c", ",")


def _form(data: bytes, encoding: str | None) -> dict[str, str]:
    """A URL-encoded body read as Django's QueryDict reads it (in the request's charset, UTF-8 by
    default, else Latin-1; at most DATA_UPLOAD_MAX_NUMBER_FIELDS fields; the last of repeated
    names), without building one: the API reads each parameter once."""
    encoding = encoding or settings.DEFAULT_CHARSET
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode("iso-8859-1")
    try:
        pairs = parse_qsl(
            _commas_decoded(text, encoding),
            keep_blank_values=True,
            encoding=encoding,
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError:
        raise TooManyFieldsSent("too many fields") from None
    return {name: value.strip() for name, value in pairs}


def _body_params(request: HttpRequest) -> dict[str, str]:
    content_type = request.content_type or ""
    if content_type == FORM:
        # `request.body` keeps Django's limit on the body's size.
        return _form(request.body, request.encoding)
    if content_type == MULTIPART:
        return {name: str(value).strip() for name, value in request.POST.items()}
    body = request.body
    if not body.strip():
        return {}
    if content_type == "application/json" or body.lstrip()[:1] in (b"{", b"["):
        return _json_body(body)
    # A form body sent without its content type, as some scripts do.
    try:
        return {k: v.strip() for k, v in parse_qsl(body.decode(), keep_blank_values=True)}
    except UnicodeDecodeError:
        raise DialectError("the body is not UTF-8") from None


def _bearer(request: HttpRequest) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def parse(request: HttpRequest) -> ApiRequest:
    """Read any dialect; DialectError when the request is not API v2 at all."""
    if request.method not in ("GET", "POST"):
        raise DialectError("only GET and POST")
    # Django raises these out of the view as an HTML 400 page: too many fields (in the query
    # string too), a body too large, a multipart body without a boundary.
    try:
        query = request.META.get("QUERY_STRING", "")
        params = {name: str(value).strip() for name, value in request.GET.items()} if query else {}
        if request.method == "POST":
            params.update(_body_params(request))
    except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError):
        raise DialectError("the request is too large or malformed") from None
    # NUL can't be stored in a PostgreSQL text column and has no place in any parameter.
    if any(len(value) > MAX_VALUE_LENGTH or "\x00" in value for value in params.values()):
        raise DialectError("a parameter is too long or holds a NUL")
    key = params.pop("key", "") or _bearer(request)
    action = params.pop("action", "").lower()
    # Safe retries: the `Idempotency-Key` header, unless the parameter is given.
    header_key = request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip()
    if header_key and not params.get("idempotency_key"):
        params["idempotency_key"] = header_key
    return ApiRequest(key=key or None, action=action, params=params)
