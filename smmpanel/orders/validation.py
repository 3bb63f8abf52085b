"""Checks of an order request against its service, run before anything is written.

Shared by the API and the web forms, so that they never disagree about what is allowed or what it
costs. Parameters arrive as strings (the API dialects and HTML forms both give strings).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from smmpanel.catalog.models import Service
from smmpanel.catalog.order_types import (
    PACKAGE_TYPES,
    FieldKind,
    OrderType,
    Quantity,
    TypeField,
    spec_for,
)
from smmpanel.inputs import MAX_INTEGER, parse_whole
from smmpanel.money import ZERO, order_charge, quantize
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import LINK_MAX_LENGTH

MAX_RUNS = 1000
MAX_INTERVAL = 60 * 24 * 30
# What an order's quantity × runs may reach: the largest 64-bit integer column value.
MAX_TOTAL_QUANTITY = 2**63 - 1
HANDLE = re.compile(r"@?[\w.\-]{1,100}")
# Any character that str.isspace() calls whitespace (the same set in a str pattern).
WHITESPACE = re.compile(r"\s")
_url_validator = URLValidator(schemes=["http", "https"])
# The links nearly every order carries: http(s), an ASCII host name, no port, no user, printable
# ASCII after it. Each such link is one `_url_validator` accepts too (a property test checks it),
# and matching it costs a fraction of the validator's checks; any other link goes through them.
_PLAIN_URL = re.compile(
    r"https?://(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?:[/?#][!-~]*)?",
    re.ASCII | re.IGNORECASE,
)
# The longest host name a URL may have (RFC 1034, as the validator checks it).
HOST_MAX_LENGTH = 253
T = TypeVar("T")


@dataclass
class OrderDraft:
    """A checked order request: what to store and what it costs."""

    link: str
    quantity: int
    charge: Decimal
    runs: int | None = None
    interval: int | None = None
    details: dict = field(default_factory=dict)

    @property
    def total_quantity(self) -> int:
        return self.quantity * (self.runs or 1)


def is_url(value: str) -> bool:
    if len(value) > LINK_MAX_LENGTH:
        return False
    plain = _PLAIN_URL.fullmatch(value)
    if plain is not None and len(plain["host"]) <= HOST_MAX_LENGTH:
        return True
    if WHITESPACE.search(value):
        return False
    try:
        _url_validator(value)
    except ValidationError:
        return False
    return True


def _check_link(params: Mapping[str, str]) -> str:
    link = params.get("link", "")
    if not link or not (is_url(link) or HANDLE.fullmatch(link)):
        raise OrderError(OrderErrorCode.INCORRECT_LINK)
    return link


def _check_range(quantity: int, low: int, high: int) -> int:
    if quantity < low:
        raise OrderError(OrderErrorCode.QUANTITY_TOO_SMALL, min=low)
    if quantity > high:
        raise OrderError(OrderErrorCode.QUANTITY_TOO_LARGE, max=high)
    return quantity


def _lines(text: str) -> list[str]:
    return [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _check_field(type_field: TypeField, raw: str) -> object:
    """One of the type's own parameters, present when required and well formed; None when an
    optional one is not given."""
    if raw == "":
        if type_field.required:
            raise OrderError(OrderErrorCode.MISSING_FIELD, field=type_field.name)
        return None
    if len(raw) > type_field.max_length:
        raise OrderError(OrderErrorCode.INVALID_FIELD, field=type_field.name)
    if type_field.kind == FieldKind.LINES:
        lines = _lines(raw)
        if not lines:
            raise OrderError(OrderErrorCode.MISSING_FIELD, field=type_field.name)
        return "\n".join(lines)
    if type_field.kind == FieldKind.URL and not is_url(raw):
        raise OrderError(OrderErrorCode.INVALID_FIELD, field=type_field.name)
    if type_field.kind in (FieldKind.INTEGER, FieldKind.CHOICE):
        number = parse_whole(raw)
        if number is None or number < 0 or number > MAX_INTEGER:
            raise OrderError(OrderErrorCode.INVALID_FIELD, field=type_field.name)
        if type_field.choices and number not in type_field.choices:
            raise OrderError(OrderErrorCode.INVALID_FIELD, field=type_field.name)
        return number
    if type_field.kind == FieldKind.DATE:
        return _check_expiry(raw)
    return raw


def _check_expiry(raw: str) -> str:
    try:
        expiry = datetime.strptime(raw, "%d/%m/%Y").date()
    except ValueError:
        raise OrderError(OrderErrorCode.INVALID_FIELD, field="expiry") from None
    if expiry < timezone.localdate():
        raise OrderError(OrderErrorCode.INVALID_FIELD, field="expiry")
    return expiry.strftime("%d/%m/%Y")


def _check_quantity(service: Service, params: Mapping[str, str], details: dict) -> int:
    spec = spec_for(service.type)
    if spec.quantity == Quantity.PACKAGE:
        return 1
    if spec.quantity == Quantity.LINES:
        assert spec.lines_field is not None
        quantity = len(details[spec.lines_field].split("\n"))
    else:
        raw = params.get("quantity", "")
        if raw == "":
            raise OrderError(OrderErrorCode.MISSING_FIELD, field="quantity")
        parsed = parse_whole(raw)
        if parsed is None:
            raise OrderError(OrderErrorCode.INCORRECT_QUANTITY)
        quantity = parsed
    return _check_range(quantity, service.min_quantity, service.max_quantity)


def _absent(raw: str) -> bool:
    return raw == "" or parse_whole(raw) == 0


def _check_runs(service: Service, params: Mapping[str, str]) -> tuple[int | None, int | None]:
    raw_runs, raw_interval = params.get("runs", ""), params.get("interval", "")
    if _absent(raw_runs) and _absent(raw_interval):
        return None, None
    if not (service.dripfeed and spec_for(service.type).runs):
        raise OrderError(OrderErrorCode.DRIPFEED_NOT_AVAILABLE)
    runs, interval = parse_whole(raw_runs), parse_whole(raw_interval)
    if runs is None or not 2 <= runs <= MAX_RUNS:
        raise OrderError(OrderErrorCode.INCORRECT_RUNS, max=MAX_RUNS)
    if interval is None or not 1 <= interval <= MAX_INTERVAL:
        raise OrderError(OrderErrorCode.INCORRECT_INTERVAL, max=MAX_INTERVAL)
    return runs, interval


def _subscription_draft(service: Service, details: dict, rate: Decimal) -> OrderDraft:
    low = _check_range(details["min"], service.min_quantity, service.max_quantity)
    high = _check_range(details["max"], service.min_quantity, service.max_quantity)
    if low > high:
        raise OrderError(OrderErrorCode.INVALID_FIELD, field="min")
    posts = details.get("posts")
    if posts == 0:
        raise OrderError(OrderErrorCode.INVALID_FIELD, field="posts")
    details.setdefault("delay", 0)
    details["posts_served"] = 0
    # A limited subscription pays for its posts at their largest size up front, and gets back
    # what was not served; an unlimited one is charged as posts are served.
    quantity = high * posts if posts else high
    charge = order_charge(rate, quantity) if posts else quantize(Decimal(0))
    if not posts:
        # The price of a post is the one quoted now, whatever the rate when it is served.
        details["post_charge"] = str(order_charge(rate, high))
    return OrderDraft(link=details["username"], quantity=quantity, charge=charge, details=details)


def customer_rate(rate: Decimal, discount: Decimal = ZERO) -> Decimal:
    """The rate after the customer's percent discount, unrounded (the charge rounds once)."""
    return rate * (100 - discount) / 100 if discount else rate


class _Problems:
    """The errors of one order request, in the order the checks ran (the API answers the first)."""

    def __init__(self) -> None:
        self.errors: list[OrderError] = []

    def check(self, rule: Callable[..., T], *args: Any) -> T | None:
        """The rule's result, or None when it refused (its error kept)."""
        try:
            return rule(*args)
        except OrderError as error:
            self.errors.append(error)
            return None


@dataclass
class OrderCheck:
    """Every problem of an order request, or its draft when there is none."""

    draft: OrderDraft | None
    errors: list[OrderError]


def check_order(
    service: Service, params: Mapping[str, str], *, rate: Decimal | None = None
) -> OrderCheck:
    """Check an order request for `service`, finding every problem that can be found at once.

    Checks that build on a refused value (the quantity of a refused lines field, the total of a
    refused quantity) are skipped; the errors keep the order of the checks, so that the first is
    the one the API has always answered. The charge is the one price computation of the panel:
    the customer's `rate` (`orders.prices.rate_for`; the service's rate when not given), times
    the quantity, rounded up once (see `money.order_charge`).
    """
    problems = _Problems()
    spec = spec_for(service.type)
    details: dict = {}
    for type_field in spec.fields:
        value = problems.check(_check_field, type_field, params.get(type_field.name, ""))
        if value is not None:
            details[type_field.name] = value
    rate = service.rate if rate is None else rate
    if service.type == OrderType.SUBSCRIPTIONS:
        draft = (
            None if problems.errors else problems.check(_subscription_draft, service, details, rate)
        )
        return OrderCheck(draft, problems.errors)
    link = problems.check(_check_link, params) if spec.link else ""
    quantity = None
    if spec.quantity != Quantity.LINES or spec.lines_field in details:
        quantity = problems.check(_check_quantity, service, params, details)
    dripfeed = problems.check(_check_runs, service, params)
    if problems.errors:
        return OrderCheck(None, problems.errors)
    assert link is not None and quantity is not None and dripfeed is not None
    runs, interval = dripfeed
    total = quantity * (runs or 1)
    if total > MAX_TOTAL_QUANTITY:
        error = OrderError(OrderErrorCode.QUANTITY_TOO_LARGE, max=service.max_quantity)
        return OrderCheck(None, [error])
    package = service.type in PACKAGE_TYPES
    charge = order_charge(rate, total, per=1 if package else 1000)
    draft = OrderDraft(
        link=link, quantity=quantity, charge=charge, runs=runs, interval=interval, details=details
    )
    return OrderCheck(draft, [])


def validate_order(
    service: Service, params: Mapping[str, str], *, rate: Decimal | None = None
) -> OrderDraft:
    """Check an order request for `service`; OrderError on the first problem found (the API's
    one reply). The checks and the charge are `check_order`'s."""
    checked = check_order(service, params, rate=rate)
    if checked.errors:
        raise checked.errors[0]
    assert checked.draft is not None
    return checked.draft


def subscription_expiry(order_details: dict) -> date | None:
    raw = order_details.get("expiry")
    return datetime.strptime(raw, "%d/%m/%Y").date() if raw else None
