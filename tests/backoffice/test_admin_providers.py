"""The back-office for providers: add (connection checked), import with markup, low balance,
routes on services, and orders in review resolved through the domain operations."""

from decimal import Decimal

import pytest

from smmpanel.catalog.models import Service
from smmpanel.orders.models import OrderStatus
from smmpanel.providers.models import OrderInReview, Provider, UpstreamState
from smmpanel.providers.review import orders_in_review
from smmpanel.worker.loop import run_once
from tests.backoffice.pages import change_url, changelist_url, form_data, messages_of, run_action
from tests.providers.fixtures import later, order_of

pytestmark = pytest.mark.django_db


def test_adding_a_provider_checks_it_and_never_shows_the_key(admin_client, upstream):
    url = "/admin/providers/provider/add/"
    refused = admin_client.post(
        url, {"name": "up", "url": upstream.url, "key": "wrong", "dialect": "form"}
    )
    assert refused.status_code == 200 and "Invalid API key" in refused.content.decode()
    assert not Provider.objects.exists()
    added = admin_client.post(
        url, {"name": "up", "url": upstream.url, "key": upstream.key, "dialect": "auto"}
    )
    assert added.status_code == 302
    provider = Provider.objects.get(name="up")
    page = admin_client.get(change_url(provider)).content.decode()
    assert upstream.key not in page and provider.key_hint in page


def test_a_low_balance_is_flagged(admin_client, provider):
    Provider.objects.filter(pk=provider.pk).update(low_balance=Decimal("2000000"))
    response = admin_client.get(changelist_url(Provider))
    assert any("balance of up is low" in m for m in messages_of(response))
    assert "low" in response.content.decode()


def test_import_action_with_a_markup(admin_client, provider, upstream):
    response = run_action(admin_client, Provider, "import_services", [provider], markup="50%")
    assert any("3 created" in m for m in messages_of(response))
    service = Service.objects.get(routes__provider_service__service_id=upstream.service_id(0))
    assert service.rate == Decimal("1.35")


def test_provider_text_is_escaped_where_shown(admin_client, provider, upstream):
    upstream.fail("error", actions="add", message="<script>alert(1)</script>")
    run_action(admin_client, Provider, "import_services", [provider], markup="0")
    service = Service.objects.get(routes__provider_service__service_id=upstream.service_id(0))
    order = order_of(service)
    run_once()
    page = admin_client.get(change_url(order)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_order_in_review_is_resent_by_the_operator(admin_client, followers, upstream):
    upstream.fail("http500", actions="add", times=1)
    order = order_of(followers)
    run_once()
    listed = admin_client.get(changelist_url(OrderInReview)).content.decode()
    assert f">{order.pk}<" in listed and "HTTP" in listed
    assert admin_client.get(changelist_url(type(order)) + "?upstream=review").status_code == 200
    run_action(admin_client, OrderInReview, "resend", [order])
    run_once(later(seconds=1))
    assert upstream.calls["add"] == 2
    assert order.upstream_orders.filter(state=UpstreamState.SENT).count() == 1
    assert not orders_in_review().exists()


def test_an_order_in_review_is_canceled_with_a_full_refund(admin_client, followers, upstream):
    upstream.fail("truncated", actions="add")
    order = order_of(followers, balance="100")
    run_once()
    run_action(admin_client, OrderInReview, "cancel_and_refund", [order])
    order.refresh_from_db()
    order.account.refresh_from_db()
    assert order.status == OrderStatus.CANCELED and order.account.balance == Decimal("100")
    assert order.upstream_orders.get().state == UpstreamState.RESOLVED
    run_once(later(minutes=60))
    assert upstream.calls["add"] == 1


def test_a_service_takes_provider_routes_inline(admin_client, followers):
    data = form_data(admin_client, change_url(followers))
    assert data["routes-TOTAL_FORMS"] == 1
    response = admin_client.post(change_url(followers), {**data, "routes-0-DELETE": "on"})
    assert response.status_code == 200 and "needs a provider route" in response.content.decode()
    assert followers.routes.count() == 1
