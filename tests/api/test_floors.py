"""api.floors: bench/api.py's floors do an action's database work, and are routed only for the
benchmark (SMMPANEL_BENCH_CEILING)."""

from decimal import Decimal
from urllib.parse import urlencode

import orjson
import pytest

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.api import floors
from smmpanel.api.middleware import LaneHandler
from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.models import Order
from smmpanel.orders.placement import place_order
from tests.api.test_lane import _wsgi_call
from tests.factories import make_account, make_service

# The lane handler ends each request as Django does, closing an unusable connection: no test
# transaction around it (as in test_lane).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lane(settings, monkeypatch):
    settings.BENCH_CEILING = True
    settings.ALLOWED_HOSTS = ["testserver"]
    # Each test's database is new: what a floor read once belongs to another one.
    monkeypatch.setattr(floors, "_accounts", {})
    monkeypatch.setattr(floors, "_services", {})
    return LaneHandler()


def _post(handler, path: str, **params: object):
    status, _headers, body = _wsgi_call(handler, path, urlencode(params).encode())
    return status, orjson.loads(body)


def test_the_add_floor_writes_the_order_and_its_charge(lane):
    account, key = make_account(balance="5")
    service = make_service()
    status, reply = _post(
        lane, floors.ADD_FLOOR, key=key, service=service.pk, link="https://x.test/a", quantity=100
    )
    assert status == "200 OK"
    order = Order.objects.get(pk=reply["order"])
    assert (order.account_id, order.service_id, order.link) == (
        account.pk,
        service.pk,
        "https://x.test/a",
    )
    assert (order.quantity, order.remains, order.charge) == (100, 100, floors.CHARGE)
    # Due for fulfilment as `add`'s orders are: at once, unless the operator fulfils it by hand.
    assert (order.next_attempt_at is None) == (service.fulfilment == Fulfilment.MANUAL)
    assert Account.objects.get(pk=account.pk).balance == Decimal("5") - floors.CHARGE
    entry = LedgerEntry.objects.get(order=order)
    assert (entry.kind, entry.amount) == (LedgerEntry.Kind.CHARGE, -floors.CHARGE)


def test_the_status_floor_reads_the_keys_own_orders(lane):
    account, key = make_account(balance="10")
    other, other_key = make_account(balance="10")
    service = make_service()
    params = {"service": str(service.pk), "link": "https://x.test/b", "quantity": "100"}
    mine = [place_order(account=account, params=params).pk for _ in range(3)]
    theirs = place_order(account=other, params=params).pk
    ids = ",".join(map(str, [*mine, theirs]))
    assert _post(lane, floors.STATUS_FLOOR, key=key, orders=ids) == ("200 OK", {"orders": 3})
    assert _post(lane, floors.STATUS_FLOOR, key=other_key, orders=ids) == ("200 OK", {"orders": 1})


def test_the_floors_are_not_routed_outside_the_benchmark(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    assert settings.BENCH_CEILING is False
    _account, key = make_account(balance="5")
    service = make_service()
    for path in (floors.ADD_FLOOR, floors.STATUS_FLOOR):
        status, reply = _post(LaneHandler(), path, key=key, service=service.pk, orders="1")
        assert status.startswith("404"), path
    assert not Order.objects.exists()
