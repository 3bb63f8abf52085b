from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smmpanel.backoffice import roles
from smmpanel.catalog.models import Fulfilment
from smmpanel.orders.models import Order, OrderStatus, Refill, RefillStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from smmpanel.providers.keys import encrypt_key
from smmpanel.providers.models import (
    Provider,
    ProviderService,
    UpstreamOrder,
    UpstreamRefill,
    UpstreamState,
)
from smmpanel.quality.models import OrderProgress
from smmpanel.quality.routes import refills_honoured, route_quality
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def _customer(username: str):
    account, _ = make_account("100", username=username)
    client = Client()
    client.force_login(account.user)
    return account, client


def _order(account, service=None):
    service = service or make_service(rate=Decimal("1"))
    params = {"link": "https://x.com/a", "quantity": "1000"}
    return place_order(account=account, service=service, params=params)


def test_the_customer_sees_the_delivery_proof_of_an_own_order_only():
    alice, browser = _customer("alice")
    order = _order(alice)
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=3572, remains=1000)
    apply_status(order_id=order.pk, status=OrderStatus.PARTIAL, remains=157)
    page = browser.get(reverse("panel:order", args=[order.pk]))
    assert page.status_code == 200
    proof = page.content.decode().split('data-testid="delivery-proof"')[1]
    assert proof.index("3572") < proof.index("1000") < proof.index("157")
    # The orders list links to it.
    assert reverse("panel:order", args=[order.pk]) in browser.get(reverse("panel:orders")).text

    bob, _ = _customer("bob")
    assert browser.get(reverse("panel:order", args=[_order(bob).pk])).status_code == 404


def _route(provider: Provider, service_id: str) -> ProviderService:
    return ProviderService.objects.create(
        provider=provider, service_id=service_id, name=f"Likes {service_id}", rate=Decimal(1),
        min_quantity=1, max_quantity=1000,
    )  # fmt: skip


def _sent(route: ProviderService, account, *, start_after=None, end=None, refused=False):
    """An order sent to `route` an hour ago, started after `start_after` minutes and ended
    (`end` = status, after 60 minutes) as told."""
    service = make_service(rate=Decimal(1), fulfilment=Fulfilment.PROVIDER, routes=[route])
    order = _order(account, service)
    sent_at = timezone.now() - timedelta(hours=1)
    attempt = UpstreamOrder.objects.create(
        order=order, provider=route.provider, provider_service=route,
        state=UpstreamState.REFUSED if refused else UpstreamState.SENT,
        upstream_id=None if refused else str(order.pk),
    )  # fmt: skip
    UpstreamOrder.objects.filter(pk=attempt.pk).update(created_at=sent_at)
    if start_after is not None:
        apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=5)
        OrderProgress.objects.filter(order=order).update(
            at=sent_at + timedelta(minutes=start_after)
        )
    if end is not None:
        apply_status(order_id=order.pk, status=end, remains=0 if end == "Completed" else 500)
        Order.objects.filter(pk=order.pk).update(completed_at=sent_at + timedelta(minutes=60))
    return order


def test_route_quality_counts_the_window_and_takes_medians():
    account, _ = make_account("1000")
    fast = Provider.objects.create(name="fast", url="http://127.0.0.1:9/api/v2",
                                   key_encrypted=encrypt_key("k"))  # fmt: skip
    route = _route(fast, "7")
    for minutes in (2, 4, 30):
        _sent(route, account, start_after=minutes, end=OrderStatus.COMPLETED)
    _sent(route, account, start_after=1, end=OrderStatus.PARTIAL)
    _sent(route, account, refused=True)
    _sent(route, account)  # sent, not started yet
    old = _sent(route, account, start_after=1, end=OrderStatus.CANCELED)
    UpstreamOrder.objects.filter(order=old).update(created_at=timezone.now() - timedelta(days=9))

    [week] = route_quality(7)
    assert (week.provider, week.service) == ("fast", "7 · Likes 7")
    assert (week.sent, week.refused, week.finished) == (5, 1, 4)
    assert week.minutes_to_start == 3  # the median of 1, 2, 4, 30
    assert week.minutes_to_complete == 60  # Completed orders only
    assert (week.partial_share, week.canceled_share) == (0.25, 0.0)
    [month] = route_quality(30)
    assert (month.sent, month.finished, month.canceled) == (6, 5, 1)


def test_refills_honoured_per_provider():
    account, _ = make_account("1000")
    provider = Provider.objects.create(name="up", url="http://127.0.0.1:9/api/v2",
                                       key_encrypted=encrypt_key("k"))  # fmt: skip
    route = _route(provider, "1")
    for status in (RefillStatus.COMPLETED, RefillStatus.REJECTED, RefillStatus.COMPLETED):
        order = _sent(route, account, start_after=1, end=OrderStatus.COMPLETED)
        refill = Refill.objects.create(order=order, status=status)
        UpstreamRefill.objects.create(
            refill=refill, provider=provider, state=UpstreamState.SENT, upstream_id=str(refill.pk)
        )
    figures = refills_honoured(30)["up"]
    assert (figures.passed_on, figures.honoured) == (3, 2)


def _operator(username: str, group: str) -> Client:
    user = get_user_model().objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_the_back_office_shows_provider_quality_to_operators():
    account, _ = make_account("1000")
    provider = Provider.objects.create(name="up", url="http://127.0.0.1:9/api/v2",
                                       key_encrypted=encrypt_key("k"))  # fmt: skip
    _sent(_route(provider, "9"), account, start_after=12, end=OrderStatus.COMPLETED)
    client = _operator("alice", roles.ADMIN)
    page = client.get(reverse("backoffice:provider_quality") + "?days=30")
    assert page.status_code == 200
    table = page.content.decode().split('data-testid="route-quality"')[1]
    assert "9 · Likes 9" in table and ">12<" in table and ">60<" in table
    # Providers are the admins' business: support staff are refused, visitors sent to log in.
    assert _operator("sam", roles.SUPPORT).get(page.request["PATH_INFO"]).status_code == 403
    assert Client().get(reverse("backoffice:provider_quality")).status_code == 302
