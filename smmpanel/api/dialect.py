"""Every dialect of API v2 in, one shape out: (key, action, params) with string values.

Accepted: GET with a query string; POST with a form, multipart or JSON object body (query-string
parameters merged in under the body's); the key as `key` or `Authorization: Bearer`; the
`Idempotency-Key` header as the `idempotency_key` parameter. Lists as comma-separated text, JSON
arrays or bracketed names (`orders[]=1&orders[0]=1`); `undefined`, `null`, `None` and empty
values as not given; `order` or `refill` holding a list as `orders` or `refills`.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from smmpanel.catalog.order_types import SPECS, FieldKind

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_VALUE_LENGTH = 200_000

# What clients send for an argument they did not set: JavaScript's String(undefined) and
# String(null), Python's str(None), and nothing at all.
ABSENT = frozenset({"", "undefined", "null", "None"})
_ABSENT_LENGTH = max(map(len, ABSENT))
# A list's items are lines where the parameter is a list of lines (a comment may hold a comma).
LINES = frozenset(
    field.name for spec in SPECS.values() for field in spec.fields if field.kind == FieldKind.LINES
)
# A single-id parameter that holds a list is read as the list parameter (`order=1,2`).
PLURALS = {"order": "orders", "refill": "refills"}
# `orders[]` and `orders[7]` (PHP's http_build_query, JavaScript's qs) are items of `orders`;
# any other bracketed index (`orders[a]`, `orders[0][id]`) is an object.
_BRACKETED = re.compile(r"(?P<name>[^\[\]]+)\[(?P<index>[^\[\]]*)\](?P<rest>.*)", re.DOTALL)
_ITEM_INDEX = re.compile(r"[0-9]*")
_ESCAPED_BRACKET = re.compile(r"%5[Bb]")


class DialectError(ValueError):
    """The request can not be read as API v2 at all."""


@dataclass(frozen=True)
class ApiRequest:
    key: str | None
    action: str
    params: dict[str, str]


def is_absent(value: str) -> bool:
    """Whether a (stripped) value means the argument was not given."""
    return len(value) <= _ABSENT_LENGTH and value in ABSENT


def _joined(name: str, items: Iterable[str | None]) -> str:
    """A list's items as the list parameter reads them: comma-separated, or one per line for a
    list of lines; absent items left out."""
    kept = [item for item in items if item is not None and not is_absent(item)]
    return ("\n" if name in LINES else ",").join(kept)


def _as_plurals(params: dict[str, str], lists: Iterable[str]) -> None:
    """A single-id parameter given as a list becomes its list parameter, unless that is given."""
    for name in lists:
        plural = PLURALS.get(name)
        if plural is not None and is_absent(params.get(plural, "")):
            params[plural] = params.pop(name)


def _folded(fields: Iterable[tuple[str, list[str]]]) -> dict[str, str]:
    """Parameters from each name's values, in order, with bracketed lists joined: the plain
    value first (the last of repeated names, as for any name), then the bracketed items in
    order, so `orders=1,2&orders[]=3` reads as `orders=1,2,3`. Values are stripped."""
    params: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for name, values in fields:
        bracketed = _BRACKETED.fullmatch(name) if "[" in name else None
        if bracketed is None:
            params[name] = values[-1].strip()
            continue
        if bracketed["rest"] or not _ITEM_INDEX.fullmatch(bracketed["index"]):
            raise DialectError("a parameter is an object")
        lists.setdefault(bracketed["name"], []).extend(value.strip() for value in values)
    for name, items in lists.items():
        params[name] = _joined(name, [params.get(name), *items])
    _as_plurals(params, list(lists))
    return params


def _grouped(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    grouped: dict[str, list[str]] = {}
    for name, value in pairs:
        grouped.setdefault(name, []).append(value)
    return list(grouped.items())


def _has_brackets(text: str) -> bool:
    """Whether URL-encoded text may hold a bracketed name (escaped as PHP and qs do, or not).
    One-character searches first: a body whose only escapes were commas has no "%" left."""
    return "[" in text or ("%" in text and _ESCAPED_BRACKET.search(text) is not None)


def _text(value: object) -> str | None:
    """A JSON value as the domain sees it: a stripped string (None for null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
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
    lists = []
    for name, value in data.items():
        if isinstance(value, list):
            # JSON clients send lists as arrays: "orders": [1, 2, 3], "comments": ["a", "b"].
            items = (_text(item) for item in value if not isinstance(item, (list, dict)))
            params[name] = _joined(name, items)
            lists.append(name)
            continue
        text = _text(value)
        if text is not None:
            params[name] = text
    _as_plurals(params, lists)
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
    text = _commas_decoded(text, encoding)
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding=encoding,
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError:
        raise TooManyFieldsSent("too many fields") from None
    if _has_brackets(text):
        return _folded(_grouped(pairs))
    return {name: value.strip() for name, value in pairs}


def _body_params(request: HttpRequest) -> dict[str, str]:
    content_type = request.content_type or ""
    if content_type == FORM:
        # `request.body` keeps Django's limit on the body's size.
        return _form(request.body, request.encoding)
    if content_type == MULTIPART:
        if any("[" in name for name in request.POST):
            return _folded((name, list(map(str, values))) for name, values in request.POST.lists())
        return {name: str(value).strip() for name, value in request.POST.items()}
    body = request.body
    if not body.strip():
        return {}
    if content_type == "application/json" or body.lstrip()[:1] in (b"{", b"["):
        return _json_body(body)
    # A form body sent without its content type, as some scripts do.
    try:
        text = body.decode()
    except UnicodeDecodeError:
        raise DialectError("the body is not UTF-8") from None
    pairs = parse_qsl(text, keep_blank_values=True)
    if _has_brackets(text):
        return _folded(_grouped(pairs))
    return {name: value.strip() for name, value in pairs}


def _query_params(request: HttpRequest) -> dict[str, str]:
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return {}
    if _has_brackets(query):
        return _folded((name, list(values)) for name, values in request.GET.lists())
    return {name: str(value).strip() for name, value in request.GET.items()}


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
        params = _query_params(request)
        if request.method == "POST":
            params.update(_body_params(request))
    except (RequestDataTooBig, SuspiciousOperation, MultiPartParserError):
        raise DialectError("the request is too large or malformed") from None
    absent = False
    for value in params.values():
        # NUL can't be stored in a PostgreSQL text column and has no place in any parameter.
        if len(value) > MAX_VALUE_LENGTH or "\x00" in value:
            raise DialectError("a parameter is too long or holds a NUL")
        # is_absent, inline: this runs for every parameter of every request.
        absent = absent or (len(value) <= _ABSENT_LENGTH and value in ABSENT)
    if absent:
        params = {name: value for name, value in params.items() if not is_absent(value)}
    # `order=1,2` asks what `orders=1,2` asks (a list of one included: `order=1,`).
    for name in PLURALS:
        if "," in params.get(name, ""):
            _as_plurals(params, [name])
    key = params.pop("key", "") or _bearer(request)
    action = params.pop("action", "").lower()
    # Safe retries: the `Idempotency-Key` header, unless the parameter is given.
    header_key = request.META.get("HTTP_IDEMPOTENCY_KEY", "").strip()
    if header_key and not params.get("idempotency_key"):
        params["idempotency_key"] = header_key
    return ApiRequest(key=key or None, action=action, params=params)
