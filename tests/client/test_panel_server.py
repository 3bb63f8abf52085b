"""The client against a real `smmpanel serve`: our own panel is an upstream like any other."""

from decimal import Decimal

import pytest

from smmpanel.client import Client, Dialect, ProviderRefused, detect_dialect
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://instagram.com/natgeo"


@pytest.mark.parametrize(
    "dialect",
    [
        Dialect(),
        Dialect(body="json", numeric_ids=True),
        Dialect(auth="bearer"),
        Dialect(method="GET"),
    ],
)
def test_round_trip_services_add_status_balance_refill_cancel(panel_server, dialect):
    account, key = make_account(balance="100")
    service = make_service(rate=Decimal("0.90"), refill=True, cancel=True)
    with Client(panel_server.api, key, dialect, retries=0) as client:
        [info] = [s for s in client.services() if s.service == str(service.pk)]
        assert (info.rate, info.min, info.max, info.refill, info.cancel) == (
            Decimal("0.90"),
            50,
            10000,
            True,
            True,
        )
        assert client.balance().amount == Decimal("100")

        first = client.add(service.pk, link=LINK, quantity=1000)
        second = client.add(str(service.pk), link=LINK, quantity=100)
        assert client.balance().amount == Decimal("99.01")
        status = client.status(first)
        assert (status.status, status.charge, status.currency) == ("Pending", Decimal("0.9"), "USD")

        apply_status(order_id=int(first), status=OrderStatus.COMPLETED, start_count=10, remains=0)
        many = client.statuses([first, second, "999999999"])
        assert (many[first].status, many[first].start_count, many[first].remains) == (
            "Completed",
            10,
            0,
        )
        assert many[second].status == "Pending"
        assert many["999999999"].error == "Incorrect order ID"

        refill = client.refill(first)
        assert client.refill_status(refill).status == "Pending"
        assert client.refill_statuses([refill])[refill].status == "Pending"
        with pytest.raises(ProviderRefused):
            client.refill(second)  # not completed

        answers = client.cancel([second, first])
        assert answers[second] is True
        assert isinstance(answers[first], ProviderRefused)  # already completed
    assert Order.objects.filter(account=account).count() == 2


def test_detect_dialect_on_our_own_panel(panel_server):
    _, key = make_account(balance="1")
    assert detect_dialect(panel_server.api, key) == Dialect()
