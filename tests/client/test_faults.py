"""Faults are values: each kind of failure is its documented exception with `maybe_sent` right;
read-only actions are retried, an order is never sent twice (counted by the upstream)."""

import pytest

from smmpanel.client import (
    Dialect,
    FaultKind,
    ProviderBadReply,
    ProviderFault,
    ProviderHTTPError,
    ProviderRefused,
    ProviderTimeout,
    ProviderUnreachable,
)
from tests.conftest import free_port

from .conftest import AsyncFlakyConnect, FlakyConnect

LINK = "https://instagram.com/natgeo"

FAULTS = [
    ("http500", ProviderHTTPError, FaultKind.HTTP),
    ("html", ProviderBadReply, FaultKind.BAD_REPLY),
    ("empty", ProviderBadReply, FaultKind.BAD_REPLY),
    ("truncated", ProviderBadReply, FaultKind.BAD_REPLY),
    ("shape", ProviderBadReply, FaultKind.BAD_REPLY),
    ("drop", ProviderBadReply, FaultKind.BAD_REPLY),
    ("slow", ProviderTimeout, FaultKind.TIMEOUT),
]


@pytest.mark.parametrize(("kind", "error", "fault_kind"), FAULTS)
@pytest.mark.parametrize("action", ["balance", "status", "services"])
def test_each_fault_of_a_read_is_its_documented_error(
    upstream, connect, kind, error, fault_kind, action
):
    # A short timeout only where the reply is meant to be late: the machine may be busy.
    client = connect(upstream.url, upstream.key, timeout=0.3 if kind == "slow" else 30, retries=0)
    order = upstream.panel.add_reply({"service": "1", "link": LINK, "quantity": "100"})["order"]
    upstream.fail(kind, actions=action, delay=1.5)
    with pytest.raises(error) as raised:
        client.status(str(order)) if action == "status" else getattr(client, action)()
    assert raised.value.kind == fault_kind
    assert raised.value.maybe_sent is True
    assert raised.value.message
    if kind == "http500":
        assert raised.value.status_code == 500


def test_error_reply_is_a_refusal_not_a_fault(upstream, connect):
    client = connect(upstream.url, upstream.key)
    upstream.fail("error", actions="balance", message="Too many requests")
    with pytest.raises(ProviderRefused) as refused:
        client.balance()
    assert not isinstance(refused.value, ProviderFault)
    assert (refused.value.kind, refused.value.message) == (FaultKind.REFUSED, "Too many requests")
    assert upstream.calls["balance"] == 1  # an answer is not retried


def test_nothing_listening_is_unreachable_and_certainly_not_sent(connect):
    client = connect(f"http://127.0.0.1:{free_port()}/api/v2", "key", retries=1)
    with pytest.raises(ProviderUnreachable) as raised:
        client.add("1", link=LINK, quantity=100)
    assert raised.value.maybe_sent is False
    assert raised.value.kind == FaultKind.UNREACHABLE


@pytest.mark.parametrize("url", ["not a url", "ftp://127.0.0.1/api"])
def test_an_unusable_url_is_unreachable(connect, url):
    with pytest.raises(ProviderUnreachable):
        connect(url, "key", retries=0).balance()


def test_wrong_path_is_an_http_error_that_sent_nothing(upstream, connect):
    client = connect(upstream.base_url + "/wrong/path", upstream.key)
    with pytest.raises(ProviderHTTPError) as raised:
        client.add("1", link=LINK, quantity=100)
    assert (raised.value.status_code, raised.value.maybe_sent) == (404, False)
    assert upstream.panel.orders == {}


def test_read_only_actions_are_retried_until_they_succeed(upstream, connect):
    client = connect(upstream.url, upstream.key, retries=2)
    upstream.fail("http500", actions="balance", times=2)
    assert client.balance().amount > 0
    assert upstream.calls["balance"] == 3


@pytest.mark.parametrize("kind", ["http500", "truncated", "drop", "empty"])
def test_read_only_retries_stop_after_the_limit(upstream, connect, kind):
    client = connect(upstream.url, upstream.key, retries=2)
    upstream.fail(kind, actions="services")
    with pytest.raises(ProviderFault):
        client.services()
    assert upstream.calls["services"] == 3


@pytest.mark.parametrize("kind", ["http500", "html", "empty", "truncated", "shape", "drop", "slow"])
def test_add_is_never_sent_twice_after_it_may_have_arrived(upstream, connect, kind):
    client = connect(upstream.url, upstream.key, timeout=0.3 if kind == "slow" else 30, retries=5)
    upstream.fail(kind, actions="add", delay=1.5)  # the order is placed, the reply fails
    with pytest.raises(ProviderFault) as raised:
        client.add(upstream.service_id(0), link=LINK, quantity=100)
    assert raised.value.maybe_sent is True
    assert upstream.calls["add"] == 1
    assert len(upstream.panel.orders) == 1


@pytest.mark.parametrize("action", ["refill", "cancel"])
def test_refill_and_cancel_are_not_retried_after_sending(upstream, connect, action):
    client = connect(upstream.url, upstream.key, retries=5)
    order = client.add(upstream.service_id(0), link=LINK, quantity=100)
    upstream.fail("http500", actions=action)
    with pytest.raises(ProviderHTTPError):
        client.refill(order) if action == "refill" else client.cancel([order])
    assert upstream.calls[action] == 1


def test_a_refused_add_is_not_retried(upstream, connect):
    client = connect(upstream.url, upstream.key, retries=5)
    upstream.fail("error", actions="add", message="Not enough funds on balance")
    with pytest.raises(ProviderRefused, match="Not enough funds"):
        client.add(upstream.service_id(0), link=LINK, quantity=100)
    assert upstream.calls["add"] == 1 and upstream.panel.orders == {}


def test_add_is_retried_when_the_connection_failed_before_sending(upstream, connect, flavour):
    transport = FlakyConnect(failures=2) if flavour == "sync" else AsyncFlakyConnect(failures=2)
    client = connect(upstream.url, upstream.key, retries=2, transport=transport)
    order = client.add(upstream.service_id(0), link=LINK, quantity=100)
    assert transport.attempts == 3
    assert upstream.calls["add"] == 1
    assert list(upstream.panel.orders) == [order]


def test_statuses_are_chunked_to_100_ids_per_call(upstream, connect):
    client = connect(upstream.url, upstream.key)
    placed = [client.add(upstream.service_id(0), link=LINK, quantity=100) for _ in range(3)]
    asked = [*placed, *(str(n) for n in range(1, 148))]  # 150 ids, 147 unknown
    result = client.statuses(asked)
    assert upstream.calls["status"] == 2
    sent = [r.params["orders"].split(",") for r in upstream.requests if r.action == "status"]
    assert [len(ids) for ids in sent] == [100, 50]
    assert list(result) == asked
    assert all(result[order].status == "Pending" for order in placed)
    assert result["1"].error == "Incorrect order ID"


def test_refill_statuses_and_cancels_are_chunked_too(upstream, connect):
    client = connect(upstream.url, upstream.key)
    ids = [str(n) for n in range(1, 151)]
    assert len(client.refill_statuses(ids)) == 150
    answers = client.cancel(ids)
    assert upstream.calls["refill_status"] == 2 and upstream.calls["cancel"] == 2
    assert all(isinstance(answer, ProviderRefused) for answer in answers.values())


def test_duplicate_ids_are_asked_once(upstream, connect):
    client = connect(upstream.url, upstream.key)
    order = client.add(upstream.service_id(0), link=LINK, quantity=100)
    assert list(client.statuses([order, f" {order} ", order])) == [order]
    assert upstream.requests[-1].params["orders"] == order


def test_remains_above_the_quantity_and_negative_are_reported_as_given(upstream, connect):
    client = connect(upstream.url, upstream.key, Dialect(method="GET"))
    first = client.add(upstream.service_id(0), link=LINK, quantity=100)
    second = client.add(upstream.service_id(0), link=LINK, quantity=100)
    upstream.set_order(first, status="Partial", remains=250)
    upstream.set_order(second, status="Completed", remains=-7)
    result = client.statuses([first, second])
    assert (result[first].remains, result[second].remains) == (250, -7)


def test_finish_orders_moves_every_open_order_at_once(upstream, connect):
    client = connect(upstream.url, upstream.key)
    orders = [client.add(upstream.service_id(0), link=LINK, quantity=100) for _ in range(3)]
    upstream.set_order(orders[0], status="Canceled")
    assert upstream.finish_orders() == orders[1:]
    result = client.statuses(orders)
    assert [result[order].status for order in orders] == ["Canceled", "Completed", "Completed"]


def test_an_oversized_reply_is_refused_unread(upstream, connect):
    client = connect(upstream.url, upstream.key, retries=0, max_reply_bytes=200)
    with pytest.raises(ProviderBadReply, match="larger than 200 bytes"):
        client.services()
    assert client.balance().currency == "USD"  # small replies still pass
