"""Importing a provider's catalog with a markup, and importing it again after changes."""

from decimal import Decimal

import pytest

from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Fulfilment, Service, ServiceRoute
from smmpanel.client.testing import UpstreamService
from smmpanel.providers.catalog_import import import_catalog, parse_category_map
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.keys import decrypt_key
from smmpanel.providers.models import Provider
from smmpanel.providers.pricing import parse_markup

pytestmark = pytest.mark.django_db


def _service(upstream, index):
    return Service.objects.get(routes__provider_service__service_id=upstream.service_id(index))


def test_adding_a_provider_stores_its_key_encrypted_and_shows_a_hint(provider, upstream):
    stored = Provider.objects.get(pk=provider.pk)
    assert upstream.key not in stored.key_encrypted
    assert decrypt_key(stored.key_encrypted) == upstream.key
    assert upstream.key not in stored.key_hint and stored.key_hint.startswith(upstream.key[:4])
    assert (stored.balance, stored.currency) == (Decimal("1000000"), "USD")


def test_import_creates_services_at_cost_plus_markup_rounded_up(provider, upstream):
    report = import_catalog(acting_user=Actor.cli(), provider=provider, markup=parse_markup("30%"))
    assert len(report.created) == 3
    likes = _service(upstream, 1)  # 0.27819 upstream
    assert likes.rate == Decimal("0.36165")  # 0.361647 rounded up, never below cost
    assert likes.fulfilment == Fulfilment.PROVIDER and likes.active
    assert (likes.refill, likes.cancel, likes.dripfeed) == (False, False, False)
    comments = _service(upstream, 2)
    assert comments.type == "Custom Comments" and comments.rate == Decimal("10.4")


def test_a_category_map_puts_services_into_local_categories(provider, upstream):
    mapping = parse_category_map(["Instagram=IG from upstream"])
    import_catalog(
        acting_user=Actor.cli(), provider=provider, markup=Decimal(0), category_map=mapping
    )
    assert _service(upstream, 0).category.name == "IG from upstream"
    with pytest.raises(ProviderError):
        parse_category_map(["no equals sign"])


def test_reimport_follows_prices_and_keeps_the_operators_name_and_markup(provider, upstream):
    import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(10))
    followers, likes = _service(upstream, 0), _service(upstream, 1)
    followers.name = "My own followers"
    followers.save()
    ServiceRoute.objects.filter(service=likes).update(markup=Decimal(100), own_markup=True)
    with upstream.panel.lock:
        upstream.panel.services[upstream.service_id(0)].rate = Decimal("2.00")
        upstream.panel.services[upstream.service_id(0)].name = "Followers HQ"
        upstream.panel.services[upstream.service_id(1)].name = "Likes HQ"
    report = import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(50))
    followers.refresh_from_db()
    likes.refresh_from_db()
    assert followers.name == "My own followers" and followers.rate == Decimal("3")
    assert likes.name == "Likes HQ" and likes.rate == Decimal("0.55638")  # its own 100%
    changed = {change.service: change for change in report.price_changes}
    assert (
        changed[followers.pk].old_rate == "0.99000" and changed[followers.pk].new_rate == "3.00000"
    )
    assert not report.created


def test_services_the_provider_drops_are_disabled_and_come_back(provider, upstream):
    import_catalog(acting_user=Actor.cli(), provider=provider)
    gone = upstream.service_id(1)
    with upstream.panel.lock:
        dropped = upstream.panel.services.pop(gone)
    report = import_catalog(acting_user=Actor.cli(), provider=provider)
    likes = Service.objects.get(routes__provider_service__service_id=gone)
    assert report.disabled == [likes.pk] and not likes.active
    with upstream.panel.lock:
        upstream.panel.services[gone] = dropped
    report = import_catalog(acting_user=Actor.cli(), provider=provider)
    likes.refresh_from_db()
    assert report.enabled == [likes.pk] and likes.active


def test_a_service_of_an_unknown_type_is_skipped_not_imported(provider, upstream):
    upstream.add_service(UpstreamService("Weird thing", type="Telepathy"))
    report = import_catalog(acting_user=Actor.cli(), provider=provider)
    assert len(report.created) == 3
    assert any("Telepathy" in reason for reason in report.skipped)


def test_markups_are_percentages_never_negative():
    assert parse_markup("30%") == Decimal(30) and parse_markup(" 12.5 ") == Decimal("12.5")
    for bad in ("-5%", "abc", "NaN"):
        with pytest.raises(ProviderError):
            parse_markup(bad)


def test_a_provider_in_another_currency_is_priced_through_its_exchange_rate(quick_providers):
    from smmpanel.client.testing import FakeUpstream
    from smmpanel.providers.operations import add_provider

    with FakeUpstream("vtechsmm") as idr:  # IDR, /api, string ids
        service_id = idr.add_service(UpstreamService("Followers IDR", rate=Decimal("15000")))
        with pytest.raises(ProviderError, match="exchange rate"):
            add_provider(acting_user=Actor.cli(), name="idr", url=idr.url, key=idr.key)
        provider = add_provider(
            acting_user=Actor.cli(),
            name="idr",
            url=idr.url,
            key=idr.key,
            exchange_rate=Decimal("0.00006"),
        )
        assert provider.currency == "IDR"
        import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(10))
    service = Service.objects.get(routes__provider_service__service_id=service_id)
    assert service.rate == Decimal("0.99")  # 15000 IDR = 0.90 USD, +10%
