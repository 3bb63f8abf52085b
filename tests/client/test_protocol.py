"""The sans-IO core: requests built per dialect, replies read into exact values or named errors."""

import json
from decimal import Decimal

import pytest

from smmpanel.client import (
    Dialect,
    ProviderBadReply,
    ProviderHTTPError,
    ProviderRefused,
    actions,
)
from smmpanel.client.dialect import build_request
from smmpanel.client.errors import clean_text
from smmpanel.client.protocol import read_reply

URL = "https://panel.example/api/v2"


def reply(body: str | bytes, status: int = 200):
    return read_reply(status, body.encode() if isinstance(body, str) else body)


def test_form_post_puts_key_and_action_in_the_body():
    request = build_request(URL, "K", Dialect(), "status", {"order": "5"})
    assert (request.method, request.form, request.json_body) == (
        "POST",
        {"key": "K", "action": "status", "order": "5"},
        None,
    )
    assert "Authorization" not in request.headers


def test_json_bearer_numeric_sends_numbers_and_the_key_as_a_header():
    dialect = Dialect(body="json", auth="bearer", numeric_ids=True)
    request = build_request(
        URL, "K", dialect, "add", {"service": "3", "link": "x", "quantity": "100"}
    )
    assert request.headers["Authorization"] == "Bearer K"
    assert request.json_body is not None
    assert json.loads(request.json_body) == {
        "action": "add",
        "service": 3,
        "link": "x",
        "quantity": 100,
    }


def test_string_ids_stay_strings_even_with_numeric_ids():
    dialect = Dialect(body="json", numeric_ids=True)
    request = build_request(URL, "K", dialect, "status", {"order": "VEGA123ABC"})
    assert request.json_body is not None
    assert json.loads(request.json_body)["order"] == "VEGA123ABC"


def test_get_puts_everything_in_the_query():
    request = build_request(URL, "K", Dialect(method="GET"), "balance", {})
    assert (request.method, request.query, request.form) == (
        "GET",
        {"key": "K", "action": "balance"},
        None,
    )


def test_numbers_are_decimal_never_float():
    assert reply('{"balance": 100.84292, "currency": "USD"}')["balance"] == Decimal("100.84292")
    services = (
        actions.services()
        .calls[0]
        .parse(reply('[{"service": 1, "name": "n", "rate": 0.1, "min": "1", "max": 10}]'))
    )
    assert services[0].rate == Decimal("0.1") and type(services[0].rate) is Decimal


@pytest.mark.parametrize(
    "body",
    ["", "   ", "<html><body>502</body></html>", '{"balance": "1', "[1, 2", "NaN", "\x00\x01"],
)
def test_html_empty_and_broken_json_are_bad_replies(body):
    with pytest.raises(ProviderBadReply):
        reply(body)


def test_a_byte_order_mark_is_tolerated():
    assert reply('\ufeff{"balance": "1"}'.encode()) == {"balance": "1"}


def test_error_replies_are_refusals_with_clean_bounded_text():
    evil = "Bad\x1b[31m key\x00<script>" + "x" * 2000
    with pytest.raises(ProviderRefused) as refused:
        reply(json.dumps({"error": evil}))
    message = refused.value.message
    assert len(message) <= 500 and "\x1b" not in message and "\x00" not in message
    assert message.startswith("Bad[31m key<script>")


def test_4xx_with_an_error_is_a_refusal_and_5xx_always_a_fault():
    with pytest.raises(ProviderRefused, match="Too many requests"):
        reply('{"error": "Too many requests"}', 429)
    with pytest.raises(ProviderHTTPError) as raised:
        reply('{"error": "Internal"}', 503)
    assert raised.value.maybe_sent is True
    with pytest.raises(ProviderHTTPError) as raised:
        reply("Not found", 404)
    assert raised.value.maybe_sent is False


def test_an_empty_error_is_not_an_error():
    assert reply('{"order": 5, "error": null}') == {"order": 5, "error": None}


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Pending", "Pending"),
        ("In progress", "In progress"),
        ("inprogress", "In progress"),
        ("Processing", "Processing"),
        ("completed", "Completed"),
        ("Partial", "Partial"),
        ("Canceled", "Canceled"),
        ("Cancelled", "Canceled"),
        ("Active", "Active"),
        ("Expired", "Expired"),
        ("Refunded", "unknown"),
        ("Error", "unknown"),
        ("", "unknown"),
    ],
)
def test_order_status_vocabulary(raw, status):
    parse = actions.status("1").calls[0].parse
    info = parse({"status": raw, "charge": "1", "remains": "-2", "start_count": ""})
    assert (info.status, info.raw_status, info.remains, info.start_count) == (status, raw, -2, None)


def test_a_status_reply_without_status_is_a_bad_reply():
    with pytest.raises(ProviderBadReply):
        actions.status("1").calls[0].parse({"charge": "1"})


def test_add_reply_shapes():
    parse = actions.add("1", "l", 1, {}).calls[0].parse
    assert parse({"order": 23501}) == "23501"
    assert parse({"success": True, "order": "VEGA123ABC"}) == "VEGA123ABC"
    for bad in ({}, {"order": None}, {"order": ""}, [], {"order": {"id": 1}}):
        with pytest.raises(ProviderBadReply):
            parse(bad)
    with pytest.raises(ProviderRefused):
        parse({"success": False, "message": "Service is disabled"})


def test_missing_flags_are_false_and_missing_rate_is_a_bad_reply():
    parse = actions.services().calls[0].parse
    [service] = parse(
        [
            {
                "service": "64a1b2",
                "name": "n",
                "rate": "15000",
                "min": "100",
                "max": "10000",
                "extra": {"x": 1},
            }
        ]
    )
    assert (service.service, service.refill, service.cancel, service.dripfeed) == (
        "64a1b2",
        False,
        False,
        False,
    )
    with pytest.raises(ProviderBadReply):
        parse([{"service": 1, "name": "n", "min": 1, "max": 2}])


def test_multi_refill_shapes_of_001_and_of_003():
    plan = actions.refills(["1", "2", "3"])
    parse = plan.calls[0].parse
    per_order = parse(
        [{"order": 1, "refill": 1}, {"order": 3, "refill": {"error": "Incorrect order ID"}}]
    )
    assert per_order["1"] == "1"
    assert isinstance(per_order["3"], ProviderRefused)
    assert isinstance(per_order["2"], ProviderRefused)  # missing from the reply
    assert parse({"refill": "9"}) == {"1": "9", "2": "9", "3": "9"}


def test_clean_text_keeps_unicode_and_drops_controls():
    assert clean_text("Lỗi: số dư\r\nkhông đủ\u202e") == "Lỗi: số dư  không đủ"


def test_multi_status_as_a_list_and_float_like_ids_are_read():
    parse = actions.statuses(["5", "6"]).calls[0].parse
    result = parse(
        [{"order": 5, "status": "Completed"}, {"order": 6, "error": "Incorrect order ID"}]
    )
    assert result["5"].status == "Completed" and result["6"].error == "Incorrect order ID"
    assert actions.add("1", "l", 1, {}).calls[0].parse({"order": Decimal("23501.0")}) == "23501"


def test_no_ids_make_no_calls():
    assert actions.statuses([]).calls == [] and actions.statuses([]).finish([]) == {}
    assert actions.cancel(["", " "]).calls == []
