"""api.errors: the one table of the protocol's error strings. The API answers a refusal with the
protocol's wording for its code, whatever the web's message for it says."""

from enum import StrEnum

import pytest
from django.core.cache import cache
from django.test import Client

from smmpanel import ratelimit
from smmpanel.accounts.errors import AccountErrorCode
from smmpanel.api import actions
from smmpanel.api.errors import PROTOCOL, ApiErrorCode
from smmpanel.errors import DomainError
from smmpanel.orders import errors as order_errors
from smmpanel.orders.errors import OrderErrorCode
from tests.factories import make_account

pytestmark = pytest.mark.django_db

# ../shared/protocol.md §3: the wordings clients and people grep for, and the codes they answer.
PROTOCOL_WORDINGS = [
    (AccountErrorCode.INVALID_KEY, {}, "Invalid API key"),
    (OrderErrorCode.INCORRECT_SERVICE, {}, "Incorrect service ID"),
    (OrderErrorCode.SERVICE_DISABLED, {}, "Service is disabled"),
    (OrderErrorCode.INCORRECT_LINK, {}, "Incorrect link"),
    (OrderErrorCode.QUANTITY_TOO_SMALL, {"min": 50}, "Quantity less than minimal 50"),
    (OrderErrorCode.QUANTITY_TOO_LARGE, {"max": 10000}, "Quantity more than maximal 10000"),
    (AccountErrorCode.NOT_ENOUGH_FUNDS, {}, "Not enough funds on balance"),
    (OrderErrorCode.INCORRECT_ORDER, {}, "Incorrect order ID"),
    (OrderErrorCode.INCORRECT_REFILL, {}, "Incorrect refill ID"),
    (OrderErrorCode.REFILL_NOT_FOUND, {}, "Refill not found"),
    (OrderErrorCode.REFILL_NOT_AVAILABLE, {}, "Refill is not available for this service"),
    (OrderErrorCode.CANCEL_NOT_AVAILABLE, {}, "Cancel is not available for this service"),
    (
        OrderErrorCode.DUPLICATE_LINK,
        {},
        "You have active order with this link. Please wait until order being completed.",
    ),
    (ApiErrorCode.TOO_MANY_IDS, {"max": 100}, "Too many IDs: maximum is 100"),
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    monkeypatch.setattr(ratelimit, "_limiters", {})
    cache.clear()


def test_every_order_error_has_a_protocol_wording():
    # Any order operation the API calls may refuse with any of them.
    assert set(OrderErrorCode) <= set(PROTOCOL)


@pytest.mark.parametrize(("code", "params", "text"), PROTOCOL_WORDINGS)
def test_the_protocols_wordings_are_the_tables(code, params, text):
    assert PROTOCOL[code].format(**params) == text


def test_no_two_codes_of_the_table_are_the_same_string():
    # Codes are StrEnums: two apps' codes spelled alike would be one key of the table.
    assert len({str(code) for code in PROTOCOL}) == len(PROTOCOL)


def test_the_api_answers_the_protocols_wording_whatever_the_web_says(monkeypatch):
    _, key = make_account()
    monkeypatch.setitem(
        order_errors.MESSAGES, OrderErrorCode.INCORRECT_SERVICE, "Pick a service from the list"
    )
    reply = Client().post("/api/v2", {"key": key, "action": "add", "service": "abc"}).json()
    assert reply == {"error": "Incorrect service ID"}


class _Unworded(StrEnum):
    SOMETHING = "something_the_api_never_meets"


class _UnwordedError(DomainError):
    messages = {_Unworded.SOMETHING: "Something"}


def test_a_refusal_without_a_wording_is_an_internal_error(monkeypatch, caplog):
    _, key = make_account()

    def refuse(account, params):
        raise _UnwordedError(_Unworded.SOMETHING)

    monkeypatch.setitem(actions.ACTIONS, "balance", refuse)
    response = Client().post("/api/v2", {"key": key, "action": "balance"})
    assert response.status_code == 500
    assert response.json() == {"error": "Internal error, please try again later"}
    assert "no protocol wording" in caplog.text
