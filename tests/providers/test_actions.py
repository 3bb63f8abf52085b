"""The providers' actions, called directly: each records its own audit entry (who, what, before
and after), and a call that changes nothing writes nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import ServiceRoute
from smmpanel.client.testing import FakeUpstream
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.keys import decrypt_key
from smmpanel.providers.models import Provider
from smmpanel.providers.operations import add_provider, check_balance, provider_named, set_key
from smmpanel.providers.routes import move_route, set_route_markup
from tests.providers.fixtures import connect

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> Actor:
    user = get_user_model().objects.create_user(username="alice", is_staff=True)
    return Actor.of_user(user, ip="192.0.2.7")


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_add_provider_records_its_hint_never_its_key(alice, upstream):
    provider = add_provider(
        acting_user=alice, name="up", url=upstream.url, key=upstream.key, dialect="form"
    )
    [entry] = entries("provider.add")
    assert (entry.actor_name, entry.ip, entry.object_id) == ("alice", "192.0.2.7", str(provider.pk))
    assert entry.after == {
        "name": "up",
        "url": upstream.url,
        "currency": provider.currency,
        "key_hint": provider.key_hint,
    }
    assert upstream.key not in str(entry.after)


def test_a_provider_that_refuses_the_key_is_not_added_nor_recorded(alice, upstream):
    with pytest.raises(ProviderError) as refused:
        add_provider(acting_user=alice, name="up", url=upstream.url, key="wrong", dialect="form")
    assert refused.value.code == ProviderErrorCode.CONNECTION_FAILED
    # The provider's own words are the message's parameter, shown as they came.
    assert refused.value.message == refused.value.params["reason"] != ""
    assert not Provider.objects.exists() and not AuditEntry.objects.exists()


def test_set_key_records_the_hints_and_the_same_key_changes_nothing(alice, provider):
    set_key(acting_user=alice, provider_id=provider.pk, key="  a-brand-new-key-1234 ")
    provider.refresh_from_db()
    assert decrypt_key(provider.key_encrypted) == "a-brand-new-key-1234"
    [entry] = entries("provider.set_key")
    assert entry.actor_name == "alice"
    assert entry.after == {"key_hint": "a-br…34"} and entry.before != entry.after
    assert "a-brand-new-key-1234" not in str(entry.before) + str(entry.after)
    set_key(acting_user=alice, provider_id=provider.pk, key="a-brand-new-key-1234")
    assert len(entries("provider.set_key")) == 1


def test_check_balance_records_a_changed_balance_only(alice, provider):
    Provider.objects.filter(pk=provider.pk).update(balance=1)
    check_balance(acting_user=alice, provider=provider)
    [entry] = entries("provider.check")
    assert (entry.actor_name, entry.before, entry.after) == (
        "alice",
        {"balance": "1.00000"},
        {"balance": "1000000.00000"},
    )
    check_balance(acting_user=alice, provider=provider)
    assert len(entries("provider.check")) == 1


def test_import_records_its_counts_once_and_a_reimport_without_change_nothing(
    alice, provider, upstream
):
    report = import_catalog(acting_user=alice, provider=provider, markup=Decimal(30))
    [entry] = entries("provider.import")
    assert (entry.actor_name, entry.object_id, entry.summary) == (
        "alice",
        str(provider.pk),
        "markup 30%",
    )
    assert entry.after == report.summary() and entry.after["created"] == 3
    assert not entries("service.create")  # one entry for the import, not one per service
    again = import_catalog(acting_user=alice, provider=provider, markup=Decimal(30))
    assert again.unchanged == 3 and len(entries("provider.import")) == 1


def test_set_route_markup_records_markup_and_rate(alice, followers):
    route = followers.routes.get()
    set_route_markup(acting_user=alice, route_id=route.pk, markup=Decimal(50))
    [entry] = entries("route.markup")
    assert entry.before == {"markup": "0.0000", "own_markup": False, "rate": "0.90000"}
    assert entry.after == {"markup": "50", "own_markup": True, "rate": "1.35000"}
    same = set_route_markup(acting_user=alice, route_id=route.pk, markup=Decimal("50.00"))
    assert same.service.rate == Decimal("1.35") and len(entries("route.markup")) == 1


def test_a_negative_markup_is_refused(alice, followers):
    with pytest.raises(ProviderError) as refused:
        set_route_markup(acting_user=alice, route_id=followers.routes.get().pk, markup=Decimal(-1))
    assert refused.value.code == ProviderErrorCode.INVALID_MARKUP
    assert not entries("route.markup")


def test_move_route_records_the_order_and_not_past_the_end(alice, followers):
    with FakeUpstream() as other:
        second = connect(other, name="second")
        import_catalog(acting_user=alice, provider=second, markup=Decimal(0))
    cheaper = second.services.get(service_id=other.service_id(1))  # 0.27819
    first = followers.routes.get()
    route = ServiceRoute.objects.create(
        service=followers, provider_service=cheaper, priority=2, markup=Decimal(100)
    )
    assert not move_route(acting_user=alice, route_id=first.pk, step=-1)
    assert move_route(acting_user=alice, route_id=route.pk, step=-1)
    [entry] = entries("route.move")
    assert entry.before == {"routes": [first.pk, route.pk], "rate": "0.90000"}
    assert entry.after == {"routes": [route.pk, first.pk], "rate": "0.55638"}


def test_a_provider_error_quotes_what_it_was_given_as_a_parameter():
    with pytest.raises(ProviderError) as refused:
        provider_named("no such")
    assert refused.value.code == ProviderErrorCode.UNKNOWN_PROVIDER
    assert refused.value.params == {"name": "no such"}
    assert refused.value.message == "No provider named 'no such'"
