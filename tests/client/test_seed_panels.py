"""Every action against a fake upstream in each of the five seed panels' dialects, sync and async:
the client reads each panel the way it documents itself."""

import json
from decimal import Decimal

import pytest

from smmpanel.client import (
    Balance,
    Dialect,
    OrderStatusInfo,
    ProviderRefused,
    RefillStatusInfo,
    ServiceInfo,
)
from smmpanel.client.testing import SEED_PANELS

from .conftest import SEED_CLIENT_DIALECTS

SEEDS = list(SEED_PANELS)
LINK = "https://instagram.com/natgeo"
CURRENCY = {"vtechsmm": "IDR", "smmplus": "USD", "pusatpanelsmm": "USD"}  # others: none in status


@pytest.fixture(params=SEEDS)
def seed(request, upstream_of, connect):
    upstream = upstream_of(request.param)
    client = connect(upstream.url, upstream.key, SEED_CLIENT_DIALECTS[request.param], retries=0)
    return request.param, upstream, client


def test_services_are_read_with_exact_rates_and_flags(seed):
    name, upstream, client = seed
    services = client.services()
    assert [s.service for s in services] == list(upstream.panel.services)
    first = services[0]
    assert isinstance(first, ServiceInfo) and isinstance(first.rate, Decimal)
    assert first.rate == upstream.panel.services[first.service].rate
    assert (first.min, first.max, first.type) == (10, 10000, "Default")
    # 002 omits the flags: missing is False; the others send them.
    assert first.refill is (name != "pusatpanelsmm")
    assert services[1].refill is False
    if name == "vtechsmm":
        assert not first.service.isdigit()  # string ids stay strings


def test_balance_is_exact_with_its_currency(seed):
    name, upstream, client = seed
    balance = client.balance()
    assert balance == Balance(amount=Decimal("1000000"), currency=upstream.dialect.currency)
    assert isinstance(balance.amount, Decimal)


def test_add_sends_the_dialect_and_returns_the_upstream_id(seed):
    name, upstream, client = seed
    service = upstream.service_id(0)
    order = client.add(service, link=LINK, quantity=100)
    assert order in upstream.panel.orders and isinstance(order, str)
    assert upstream.add_requests == [
        {"action": "add", "service": service, "link": LINK, "quantity": "100"}
    ]
    received = upstream.requests[-1]
    dialect = SEED_CLIENT_DIALECTS[name]
    assert received.encoding == dialect.body
    assert received.bearer is (dialect.auth == "bearer")
    if name == "vtechsmm":
        assert order.startswith("VEGA")


def test_status_single_and_multi_in_each_dialect(seed):
    name, upstream, client = seed
    first = client.add(upstream.service_id(0), link=LINK, quantity=100)
    second = client.add(upstream.service_id(0), link=LINK, quantity=200)
    upstream.set_order(first, status="Partial", start_count=3572, remains=157)
    upstream.set_order(second, status="Completed", start_count=168, remains=-2)  # over-delivery

    single = client.status(first)
    charge = Decimal(upstream.panel.money(upstream.panel.orders[first].charge))
    assert single == OrderStatusInfo(
        status="Partial",
        raw_status="Partial",
        charge=charge,
        start_count=3572,
        remains=157,
        currency=CURRENCY.get(name),
    )
    assert isinstance(single.charge, Decimal) and charge > 0

    many = client.statuses([first, second, "999999"])
    assert list(many) == [first, second, "999999"]
    assert many[second].status == "Completed" and many[second].remains in (-2, None)
    assert many["999999"].status == "unknown" and many["999999"].error == "Incorrect order ID"
    if name == "baostar":  # multi items carry only the status
        assert many[first] == OrderStatusInfo(status="Partial", raw_status="Partial")
    else:
        assert (many[first].start_count, many[first].remains) == (3572, 157)
        assert many[second].remains == -2


@pytest.mark.parametrize("raw", ["Refunded", "Error", "Some new status"])
def test_statuses_outside_the_protocol_are_unknown_with_the_raw_text_kept(seed, raw):
    name, upstream, client = seed
    order = client.add(upstream.service_id(0), link=LINK, quantity=100)
    upstream.set_order(order, status=raw)
    info = client.status(order)
    assert (info.status, info.raw_status) == ("unknown", raw)
    assert client.statuses([order])[order].raw_status == raw


def test_refill_refill_status_and_cancel_where_the_panel_has_them(seed):
    name, upstream, client = seed
    order = client.add(upstream.service_id(0), link=LINK, quantity=100)
    actions = upstream.dialect.actions
    if "refill" in actions:
        refill = client.refill(order)
        assert upstream.panel.refills[refill]["order"] == order
        assert client.refill_status(refill) == RefillStatusInfo("Pending", "Pending")
        upstream.set_refill(refill, "Completed")
        both = client.refill_statuses([refill, "777"])
        assert both[refill].status == "Completed"
        assert both["777"].status == "unknown" and both["777"].error
        more = client.refills([order])
        assert isinstance(more[order], str)
    else:
        with pytest.raises(ProviderRefused, match="Incorrect request"):
            client.refill(order)
    if "cancel" in actions:
        answers = client.cancel([order, "999999"])
        assert answers[order] is True
        assert isinstance(answers["999999"], ProviderRefused)
        assert answers["999999"].message == "Incorrect order ID"
        assert upstream.panel.orders[order].status == "Canceled"
    else:
        with pytest.raises(ProviderRefused, match="Incorrect request"):
            client.cancel([order])


def test_refused_add_is_a_refusal_with_the_panel_text(seed):
    name, upstream, client = seed
    with pytest.raises(ProviderRefused) as refused:
        client.add(upstream.service_id(0), link=LINK, quantity=5)
    assert refused.value.message == "Quantity less than minimal 10"
    assert refused.value.kind == "refused"
    assert upstream.panel.orders == {}


def test_drip_feed_fields_reach_smmplus(upstream_of, connect):
    upstream = upstream_of("smmplus")
    client = connect(upstream.url, upstream.key)
    order = client.add(upstream.service_id(0), link=LINK, quantity=100, runs=5, interval=30)
    assert upstream.add_requests[-1]["runs"] == "5"
    assert upstream.add_requests[-1]["interval"] == "30"
    assert upstream.panel.orders[order].quantity == 500


def test_a_dripfeed_only_panel_refuses_plain_orders_on_its_dripfeed_services(upstream_of, connect):
    upstream = upstream_of(SEED_PANELS["smmplus"].with_(plain_dripfeed=False))
    client = connect(upstream.url, upstream.key, retries=0)
    with pytest.raises(ProviderRefused, match="drip-feed orders only"):
        client.add(upstream.service_id(0), link=LINK, quantity=100)
    client.add(upstream.service_id(1), link=LINK, quantity=100)  # a service without drip-feed
    order = client.add(upstream.service_id(0), link=LINK, quantity=100, runs=5, interval=30)
    assert upstream.panel.orders[order].quantity == 500
    assert len(upstream.panel.orders) == 2


def test_comments_reach_pusatpanelsmm_exactly(upstream_of, connect):
    upstream = upstream_of("pusatpanelsmm")
    client = connect(upstream.url, upstream.key)
    comments = "Great post!\nLove it 🔥\r\nWow"
    order = client.add(upstream.service_id(2), link=LINK, comments=comments)
    assert upstream.add_requests[-1]["comments"] == comments
    assert upstream.panel.orders[order].quantity == 3


def test_products_extension_of_smmvna(upstream_of, connect):
    upstream = upstream_of("smmvna")
    client = connect(upstream.url, upstream.key)
    [product] = client.products()
    assert (product.product, product.rate, product.inventory) == ("1", Decimal("2.5"), 5)
    order = client.add_product_order(product.product, quantity=2, require="me@example.com")
    status = client.product_order_status(order)
    assert (status.status, status.charge) == ("Completed", Decimal("5.0"))
    assert client.product_order_statuses([order, "nope"])["nope"].error == "Incorrect order ID"
    assert client.result_product(order) == ["acct-0", "acct-1"]


def test_numeric_ids_dialect_sends_json_numbers(upstream_of, connect):
    upstream = upstream_of("baostar")
    client = connect(upstream.url, upstream.key, Dialect(body="json", numeric_ids=True))
    client.add(upstream.service_id(0), link=LINK, quantity=100)
    sent = json.loads(upstream.requests[-1].body)
    assert (sent["service"], sent["quantity"], sent["link"]) == (1, 100, LINK)
    with pytest.raises(ProviderRefused, match="Incorrect order ID"):
        client.status("7")
    assert json.loads(upstream.requests[-1].body)["order"] == 7
