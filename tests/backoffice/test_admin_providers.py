"""The admin's provider pages: providers are added, edited, tested and imported, a service's
routes edited and reviews resolved, in the back-office; here they are only inspected."""

from decimal import Decimal

import pytest

from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Service
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.models import OrderInReview, Provider, UpstreamState
from smmpanel.providers.operations import check_balance
from smmpanel.worker.loop import run_once
from tests.backoffice.pages import change_url, changelist_url
from tests.providers.fixtures import order_of

pytestmark = pytest.mark.django_db


def test_providers_are_added_in_the_back_office_not_here(admin_client):
    assert admin_client.get("/admin/providers/provider/add/").status_code == 403
    assert 'name="action"' not in admin_client.get(changelist_url(Provider)).content.decode()


def test_a_providers_settings_and_key_are_not_changed_here(admin_client, provider, upstream):
    page = admin_client.get(change_url(provider)).content.decode()
    assert 'name="_save"' not in page and provider.key_hint in page
    response = admin_client.post(
        change_url(provider), {"url": upstream.url, "new_key": "other", "enabled": ""}
    )
    assert response.status_code == 403
    provider.refresh_from_db()
    assert provider.enabled
    assert check_balance(acting_user=Actor.cli(), provider=provider).balance is not None


def test_a_low_balance_is_flagged(admin_client, provider):
    check_balance(acting_user=Actor.cli(), provider=provider)
    Provider.objects.filter(pk=provider.pk).update(low_balance=Decimal("2000000"))
    response = admin_client.get(changelist_url(Provider))
    assert "— low" in response.content.decode()


def test_provider_text_is_escaped_where_shown(admin_client, provider, upstream):
    upstream.fail("error", actions="add", message="<script>alert(1)</script>")
    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(0))
    service = Service.objects.get(routes__provider_service__service_id=upstream.service_id(0))
    order = order_of(service)
    run_once()
    page = admin_client.get(change_url(order)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_an_order_in_review_is_listed_with_why(admin_client, followers, upstream):
    upstream.fail("http500", actions="add", times=1)
    order = order_of(followers)
    run_once()
    listed = admin_client.get(changelist_url(OrderInReview))
    assert f">{order.pk}<" in listed.content.decode() and "HTTP" in listed.content.decode()
    assert 'name="action"' not in listed.content.decode()
    assert admin_client.get(changelist_url(type(order)) + "?upstream=review").status_code == 200
    assert order.upstream_orders.get().state == UpstreamState.REVIEW


def test_a_services_routes_are_not_changed_here(admin_client, followers):
    page = admin_client.get(change_url(followers)).content.decode()
    assert 'name="_save"' not in page
    response = admin_client.post(
        change_url(followers), {"routes-TOTAL_FORMS": "1", "routes-0-DELETE": "on"}
    )
    assert response.status_code == 403
    assert followers.routes.count() == 1
