"""The edges of what an order request may hold: the last value accepted, the first refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order
from smmpanel.orders.placement import place_order
from smmpanel.orders.validation import (
    HOST_MAX_LENGTH,
    LINK_MAX_LENGTH,
    MAX_INTERVAL,
    MAX_RUNS,
    is_url,
    validate_order,
)
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def _refused(service, params) -> OrderError:
    with pytest.raises(OrderError) as raised:
        validate_order(service, params)
    return raised.value


def _host(length: int) -> str:
    """A host name of `length` characters: labels of 63 and a last one of what is left."""
    labels, left = [], length - len(".com")
    while left > 64:
        labels.append("a" * 63)
        left -= 64
    labels.append("b" * left)
    host = ".".join(labels) + ".com"
    assert len(host) == length
    return host


def test_the_link_limit_is_the_order_columns_length():
    assert Order._meta.get_field("link").max_length == LINK_MAX_LENGTH


def test_a_link_of_exactly_the_columns_length_is_stored_and_one_more_is_refused():
    account, _ = make_account("10")
    service = make_service(rate=Decimal("1"), min_quantity=1)
    longest = "https://example.com/" + "a" * (LINK_MAX_LENGTH - len("https://example.com/"))
    assert len(longest) == LINK_MAX_LENGTH and is_url(longest)
    order = place_order(account=account, service=service, params={"link": longest, "quantity": "1"})
    order.refresh_from_db()
    assert order.link == longest  # PostgreSQL's varchar(2000) holds it whole
    assert not is_url(longest + "a")
    refused = _refused(service, {"link": longest + "a", "quantity": "1"})
    assert refused.code == OrderErrorCode.INCORRECT_LINK


def test_a_host_of_253_characters_is_a_link_and_one_of_254_is_not():
    assert HOST_MAX_LENGTH == 253
    assert is_url(f"https://{_host(253)}/p")
    assert not is_url(f"https://{_host(254)}/p")


def test_a_number_field_takes_the_largest_32_bit_integer_and_refuses_the_next():
    poll = make_service(type=OrderType.POLL, rate=Decimal("1"), min_quantity=1)
    params = {"link": "https://x.com/poll", "quantity": "10"}
    draft = validate_order(poll, {**params, "answer_number": "2147483647"})
    assert draft.details["answer_number"] == 2**31 - 1
    refused = _refused(poll, {**params, "answer_number": "2147483648"})
    assert (refused.code, refused.params) == (
        OrderErrorCode.INVALID_FIELD,
        {"field": "answer_number"},
    )


def test_an_expiry_of_today_is_accepted_and_yesterday_is_not():
    subscription = make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("1"), min_quantity=1)
    params = {"username": "star", "min": "10", "max": "10", "posts": "1"}
    today = timezone.localdate()
    draft = validate_order(subscription, {**params, "expiry": today.strftime("%d/%m/%Y")})
    assert draft.details["expiry"] == today.strftime("%d/%m/%Y")
    yesterday = (today - timedelta(days=1)).strftime("%d/%m/%Y")
    refused = _refused(subscription, {**params, "expiry": yesterday})
    assert (refused.code, refused.params) == (OrderErrorCode.INVALID_FIELD, {"field": "expiry"})


def test_runs_and_interval_take_their_maximum_and_refuse_one_more():
    drip = make_service(rate=Decimal("1"), min_quantity=1, dripfeed=True)
    params = {"link": "https://x.com/a", "quantity": "1"}
    draft = validate_order(drip, {**params, "runs": str(MAX_RUNS), "interval": str(MAX_INTERVAL)})
    assert (draft.runs, draft.interval) == (MAX_RUNS, MAX_INTERVAL)
    refused = _refused(drip, {**params, "runs": "2", "interval": str(MAX_INTERVAL + 1)})
    assert refused.code == OrderErrorCode.INCORRECT_INTERVAL
    refused = _refused(drip, {**params, "runs": str(MAX_RUNS + 1), "interval": "1"})
    assert refused.code == OrderErrorCode.INCORRECT_RUNS
