"""Adding and removing a service's provider routes, called directly: each records the routes in
order and the rate, before -> after; a call that changes nothing writes nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import Fulfilment, ServiceRoute
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.routes import add_route, remove_route
from tests.factories import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> Actor:
    user = get_user_model().objects.create_user(username="alice", is_staff=True)
    return Actor.of_user(user, ip="192.0.2.7")


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_add_route_tries_it_last_and_records_the_routes(alice, followers, second):
    provider, other = second
    first = followers.routes.get()
    route = add_route(
        acting_user=alice,
        service_id=followers.pk,
        provider_id=provider.pk,
        upstream_service_id=other.service_id(1),
        markup=Decimal(100),
    )
    assert (route.priority, route.markup, route.own_markup) == (2, 100, True)
    [entry] = entries("route.add")
    assert (entry.actor_name, entry.object_id) == ("alice", str(route.pk))
    assert entry.before == {"routes": [first.pk], "rate": "0.90000"}
    assert entry.after == {"routes": [first.pk, route.pk], "rate": "0.90000"}
    again = add_route(
        acting_user=alice,
        service_id=followers.pk,
        provider_id=provider.pk,
        upstream_service_id=f" {other.service_id(1)} ",
    )
    assert again.pk == route.pk and len(entries("route.add")) == 1


def test_the_first_route_of_a_service_prices_it(alice, second):
    provider, other = second
    service = make_service()
    add_route(
        acting_user=alice,
        service_id=service.pk,
        provider_id=provider.pk,
        upstream_service_id=other.service_id(1),
        markup=Decimal(100),
    )
    service.refresh_from_db()
    assert service.rate == Decimal("0.55638")


def test_an_unknown_upstream_service_is_refused(alice, followers, provider):
    with pytest.raises(ProviderError) as refused:
        add_route(
            acting_user=alice,
            service_id=followers.pk,
            provider_id=provider.pk,
            upstream_service_id="999999",
        )
    assert refused.value.code == ProviderErrorCode.UNKNOWN_PROVIDER_SERVICE
    assert followers.routes.count() == 1 and not entries("route.add")


def test_remove_route_reprices_with_the_next_and_records_it(alice, followers, second):
    provider, other = second
    first = followers.routes.get()
    cheaper = provider.services.get(service_id=other.service_id(1))
    route = ServiceRoute.objects.create(
        service=followers, provider_service=cheaper, priority=2, markup=Decimal(100)
    )
    assert remove_route(acting_user=alice, route_id=first.pk)
    [entry] = entries("route.remove")
    assert entry.object_id == str(first.pk)
    assert entry.before["routes"] == [first.pk, route.pk] and entry.before["rate"] == "0.90000"
    assert entry.after == {"routes": [route.pk], "rate": "0.55638"}
    assert not remove_route(acting_user=alice, route_id=first.pk)
    assert len(entries("route.remove")) == 1


def test_the_last_route_of_a_provider_service_stays(alice, followers):
    assert followers.fulfilment == Fulfilment.PROVIDER
    with pytest.raises(CatalogError) as refused:
        remove_route(acting_user=alice, route_id=followers.routes.get().pk)
    assert refused.value.code == CatalogErrorCode.NO_PROVIDER_ROUTE
    assert "needs a provider route" in refused.value.message
    assert followers.routes.count() == 1 and not entries("route.remove")
