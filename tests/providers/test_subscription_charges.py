"""An unlimited subscription forwarded to a provider is charged per post as status sync reports
its posts served, once per post, and stopped upstream when the balance runs out."""

from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Service
from smmpanel.client.testing.panel import UpstreamService
from smmpanel.orders.models import CancelStatus, OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.providers.fixtures import later, upstream_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def auto_likes(provider, upstream) -> Service:
    """An upstream Subscriptions service at 2.00 per 1000, imported at cost."""
    upstream_service = upstream.add_service(
        UpstreamService(
            "Auto likes", type="Subscriptions", rate=Decimal("2"), min=10, max=1000, dripfeed=False
        )
    )
    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(0))
    return Service.objects.get(routes__provider_service__service_id=upstream_service)


def _forwarded(service, balance):
    account, _ = make_account(balance)
    order = place_order(
        account=account, service=service, params={"username": "star", "min": "50", "max": "500"}
    )
    run_once()
    return account, order


def _charges(order):
    return list(order.ledger.filter(kind="charge").order_by("post").values_list("post", "amount"))


def test_posts_reported_by_the_provider_are_charged_each_once(auto_likes, upstream):
    account, order = _forwarded(auto_likes, "10")
    upstream_order = upstream_id(order)
    assert "post_charge" not in upstream.panel.orders[upstream_order].params
    upstream.set_order(upstream_order, status="Active", posts="3")
    for minutes in (1, 20, 400):  # the same report, polled again and again
        run_once(later(minutes=minutes))
    order.refresh_from_db()
    # 500 per post at 2.00 per 1000: 1.00 a post.
    assert _charges(order) == [(1, Decimal("-1")), (2, Decimal("-1")), (3, Decimal("-1"))]
    assert (order.charge, Account.objects.get(pk=account.pk).balance) == (3, Decimal("7"))
    upstream.set_order(upstream_order, posts="4")
    run_once(later(minutes=1000))
    order.refresh_from_db()
    assert (order.status, order.charge, len(_charges(order))) == ("Active", 4, 4)
    assert ledger.audit() == []


def test_a_balance_that_runs_out_cancels_the_subscription_upstream(auto_likes, upstream):
    account, order = _forwarded(auto_likes, "2.5")
    upstream_order = upstream_id(order)
    upstream.set_order(upstream_order, status="Active", posts="4")
    run_once(later(minutes=1))
    order.refresh_from_db()
    assert _charges(order) == [(1, Decimal("-1")), (2, Decimal("-1")), (3, Decimal("-0.5"))]
    assert (order.charge, order.details["unpaid_post"]) == (Decimal("2.5"), 3)
    assert Account.objects.get(pk=account.pk).balance == 0
    # The next passes send the cancel upstream and bring its outcome back.
    for minutes in (5, 30, 400):
        run_once(later(minutes=minutes))
    assert upstream.panel.orders[upstream_order].status == "Canceled"
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELED
    assert order.cancel_requests.get().status == CancelStatus.ACCEPTED
    assert (order.charge, len(_charges(order))) == (Decimal("2.5"), 3)
    assert Account.objects.get(pk=account.pk).balance == 0
    assert ledger.audit() == []
