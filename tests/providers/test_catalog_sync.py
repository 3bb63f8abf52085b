"""The scheduled catalog sync against a real upstream over HTTP: prices following the provider
with the price guard, failures that leave a provider's services as they were, services dropped
and listed again, and the worker's schedule."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import InactiveReason, Service, ServiceUpdate
from smmpanel.catalog.operations import set_services_active
from smmpanel.client.testing import FakeUpstream
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.catalog_sync import set_sync_settings, sync_provider
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.models import CatalogSync, Provider
from smmpanel.worker.loop import run_once
from tests.providers.fixtures import connect, unaudited

pytestmark = pytest.mark.django_db


def _service(upstream: FakeUpstream, index: int, provider: str = "up") -> Service:
    return Service.objects.get(
        routes__provider_service__service_id=upstream.service_id(index),
        routes__provider_service__provider__name=provider,
    )


def _set_rate(upstream: FakeUpstream, index: int, rate: str) -> None:
    with upstream.panel.lock:
        upstream.panel.services[upstream.service_id(index)].rate = Decimal(rate)


@pytest.fixture
def imported(provider, upstream) -> Provider:
    """The upstream's catalog imported with a 10% markup."""
    with unaudited():
        import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(10))
    return provider


def _kinds(service: Service) -> list[tuple[str, str, str]]:
    return list(service.updates.order_by("pk").values_list("kind", "old", "new"))


def test_a_price_rise_and_fall_move_the_resale_rate_with_the_markup(imported, upstream):
    followers = _service(upstream, 0)  # 0.90 upstream, sold at 0.99
    _set_rate(upstream, 0, "1.00")
    report = sync_provider(acting_user=Actor.system(), provider=imported)
    followers.refresh_from_db()
    assert followers.rate == Decimal("1.1") and report.updated == [followers.pk]
    [change] = report.price_changes
    assert (change.old_rate, change.new_rate) == ("0.99000", "1.10000")
    _set_rate(upstream, 0, "0.50")
    sync_provider(acting_user=Actor.system(), provider=imported)
    followers.refresh_from_db()
    assert followers.rate == Decimal("0.55")
    assert _kinds(followers)[-2:] == [
        ("price_up", "0.99000", "1.10000"),
        ("price_down", "1.10000", "0.55000"),
    ]
    entry = AuditEntry.objects.filter(action="service.sync").order_by("pk").last()
    assert entry.actor_name == "system" and entry.after == {"rate": "0.55000"}
    assert AuditEntry.objects.filter(action="provider.sync").count() == 2
    state = CatalogSync.objects.get(provider=imported)
    assert state.ok and state.error == "" and state.result["updated"] == 1


def test_the_rate_never_goes_below_the_providers_minimum_margin(imported, upstream):
    set_sync_settings(
        acting_user=Actor.cli(),
        provider_id=imported.pk,
        sync_minutes=None,
        min_margin=Decimal(25),
        rise_limit=None,
    )
    [entry] = AuditEntry.objects.filter(action="provider.sync_settings")
    assert entry.after["min_margin"] == "25.0000" and entry.before["min_margin"] == "0.0000"
    _set_rate(upstream, 0, "1.00")
    sync_provider(acting_user=Actor.system(), provider=imported)
    # 10% markup would sell at 1.10: the floor is cost + 25%.
    assert _service(upstream, 0).rate == Decimal("1.25")
    assert _service(upstream, 1).rate == Decimal("0.34774")  # 0.27819 × 1.25, rounded up


def test_a_rise_above_the_limit_disables_the_service_until_the_operator_enables_it(
    imported, upstream
):
    set_sync_settings(
        acting_user=Actor.cli(),
        provider_id=imported.pk,
        sync_minutes=None,
        min_margin=Decimal(0),
        rise_limit=Decimal(20),
    )
    _set_rate(upstream, 0, "1.05")  # +16.7%: repriced
    _set_rate(upstream, 1, "0.40")  # +43.8%: held
    report = sync_provider(acting_user=Actor.system(), provider=imported)
    followers, likes = _service(upstream, 0), _service(upstream, 1)
    assert followers.active and followers.rate == Decimal("1.155")
    assert not likes.active and likes.inactive_reason == InactiveReason.PRICE_RISE
    assert report.price_rise == [likes.pk] and report.disabled == [likes.pk]
    assert likes.rate == Decimal("0.44")  # repriced too: enabled again, it sells above cost
    again = sync_provider(acting_user=Actor.system(), provider=imported)
    likes.refresh_from_db()
    assert not likes.active and not again.enabled  # a sync never brings it back
    set_services_active(acting_user=Actor.cli(), service_ids=[likes.pk], active=True)
    likes.refresh_from_db()
    assert likes.active and likes.inactive_reason == ""


@pytest.mark.parametrize("kind", ["drop", "html", "http500"])
def test_a_provider_down_or_answering_html_keeps_its_services_and_the_others_sync(
    imported, upstream, kind
):
    other = FakeUpstream().start()
    try:
        second = connect(other, name="second")
        with unaudited():
            import_catalog(acting_user=Actor.cli(), provider=second, markup=Decimal(0))
        before = {s.pk: (s.rate, s.active) for s in Service.objects.all()}
        _set_rate(upstream, 0, "5.00")
        _set_rate(other, 0, "2.00")
        upstream.fail(kind, actions="services")
        for state in CatalogSync.objects.all():
            state.next_attempt_at = timezone.now() - timedelta(seconds=1)
            state.save()
        assert run_once() >= 2
        failed = CatalogSync.objects.get(provider=imported)
        assert failed.ok is False and failed.error and failed.synced_at
        assert failed.next_attempt_at > timezone.now() + timedelta(minutes=59)
        for service in Service.objects.filter(routes__provider_service__provider=imported):
            assert (service.rate, service.active) == before[service.pk]
        assert _service(other, 0, "second").rate == Decimal("2")
        assert CatalogSync.objects.get(provider=second).ok is True
    finally:
        threading.Thread(target=other.stop, daemon=True).start()


def test_sync_provider_raises_and_records_the_error(imported, upstream):
    upstream.fail("html", actions="services")
    with pytest.raises(ProviderError):
        sync_provider(acting_user=Actor.cli(), provider=imported)
    assert CatalogSync.objects.get(provider=imported).ok is False
    assert not AuditEntry.objects.filter(action="provider.sync").exists()


def test_a_broken_entry_is_skipped_and_reported_its_service_kept(imported, upstream):
    followers = _service(upstream, 0)
    with upstream.panel.lock:
        upstream.panel.raw_services.append(
            {"service": upstream.service_id(0), "name": "broken", "min": 1}
        )
        del upstream.panel.services[upstream.service_id(0)]
    _set_rate(upstream, 1, "0.50")
    report = sync_provider(acting_user=Actor.system(), provider=imported)
    followers.refresh_from_db()
    assert followers.active and followers.rate == Decimal("0.99")  # as it was
    assert any("unreadable entry" in reason for reason in report.skipped)
    assert _service(upstream, 1).rate == Decimal("0.55")  # the rest synced
    # An entry without even an id: nothing is disabled this time.
    with upstream.panel.lock:
        upstream.panel.raw_services = ["garbage"]
    report = sync_provider(acting_user=Actor.system(), provider=imported)
    followers.refresh_from_db()
    assert followers.active and not report.disabled


def test_a_dropped_service_is_disabled_and_comes_back_but_not_one_the_operator_disabled(
    imported, upstream
):
    likes, comments = _service(upstream, 1), _service(upstream, 2)
    set_services_active(acting_user=Actor.cli(), service_ids=[comments.pk], active=False)
    ids = [upstream.service_id(1), upstream.service_id(2)]
    with upstream.panel.lock:
        dropped = {service_id: upstream.panel.services.pop(service_id) for service_id in ids}
    report = sync_provider(acting_user=Actor.system(), provider=imported)
    assert report.disabled == [likes.pk]  # comments was already disabled
    likes.refresh_from_db()
    assert not likes.active and likes.inactive_reason == InactiveReason.UNLISTED
    [entry] = AuditEntry.objects.filter(action="service.disable", actor_name="system")
    assert entry.object_id == str(likes.pk) and "no longer listed" in entry.summary
    with upstream.panel.lock:
        upstream.panel.services.update(dropped)
    report = sync_provider(acting_user=Actor.system(), provider=imported)
    likes.refresh_from_db()
    comments.refresh_from_db()
    assert report.enabled == [likes.pk] and likes.active
    assert not comments.active and comments.inactive_reason == InactiveReason.OPERATOR
    assert [kind for kind, _, _ in _kinds(likes)] == ["new", "disabled", "enabled"]


def test_an_operator_disabled_service_stays_disabled_through_syncs(imported, upstream):
    followers = _service(upstream, 0)
    set_services_active(acting_user=Actor.cli(), service_ids=[followers.pk], active=False)
    followers.refresh_from_db()
    assert followers.inactive_reason == InactiveReason.OPERATOR
    with upstream.panel.lock:
        dropped = upstream.panel.services.pop(upstream.service_id(0))
    sync_provider(acting_user=Actor.system(), provider=imported)
    with upstream.panel.lock:
        upstream.panel.services[upstream.service_id(0)] = dropped
    report = sync_provider(acting_user=Actor.system(), provider=imported)
    followers.refresh_from_db()
    assert not followers.active and not report.enabled


def test_the_worker_syncs_due_providers_on_their_schedule(settings, imported, upstream):
    settings.PROVIDER_SYNC_MINUTES = 60
    state = CatalogSync.objects.get(provider=imported)
    assert state.next_attempt_at > timezone.now() + timedelta(minutes=59)
    _set_rate(upstream, 0, "1.00")
    run_once()  # not due yet
    assert _service(upstream, 0).rate == Decimal("0.99")
    soon = timezone.now() + timedelta(minutes=61)
    run_once(soon)
    assert _service(upstream, 0).rate == Decimal("1.1")
    state.refresh_from_db()
    assert state.next_attempt_at == soon + timedelta(minutes=60) and state.lease_expires_at is None
    # Its own interval; 0 is never.
    set_sync_settings(
        acting_user=Actor.cli(),
        provider_id=imported.pk,
        sync_minutes=0,
        min_margin=Decimal(0),
        rise_limit=None,
    )
    state.refresh_from_db()
    assert state.next_attempt_at is None
    set_sync_settings(
        acting_user=Actor.cli(),
        provider_id=imported.pk,
        sync_minutes=5,
        min_margin=Decimal(0),
        rise_limit=None,
    )
    state.refresh_from_db()
    assert timezone.now() < state.next_attempt_at <= timezone.now() + timedelta(minutes=5)


def test_a_provider_without_a_sync_row_gets_one(settings, imported):
    CatalogSync.objects.all().delete()
    run_once()
    assert CatalogSync.objects.get(provider=imported).next_attempt_at is not None


def test_sync_settings_refuse_bad_values_and_same_values_change_nothing(imported):
    for values in (
        {"sync_minutes": -1, "min_margin": Decimal(0), "rise_limit": None},
        {"sync_minutes": None, "min_margin": Decimal(-1), "rise_limit": None},
        {"sync_minutes": None, "min_margin": Decimal(0), "rise_limit": Decimal("NaN")},
    ):
        with pytest.raises(ProviderError):
            set_sync_settings(acting_user=Actor.cli(), provider_id=imported.pk, **values)
    set_sync_settings(
        acting_user=Actor.cli(),
        provider_id=imported.pk,
        sync_minutes=None,
        min_margin=Decimal(0),
        rise_limit=None,
    )
    assert not AuditEntry.objects.filter(action="provider.sync_settings").exists()


def test_updates_record_operator_and_sync_changes_alike(imported, upstream):
    followers = _service(upstream, 0)
    assert _kinds(followers) == [("new", "", "0.99000")]
    assert ServiceUpdate.objects.count() == 3


def test_the_back_office_sets_the_sync_and_shows_how_it_went(imported, upstream):
    from django.urls import reverse

    from smmpanel.backoffice import roles
    from smmpanel.providers.operations import provider_settings
    from tests.backoffice.conftest import operator

    admin = operator("alice", roles.ADMIN)
    values = provider_settings(imported)
    data = {name: str(value) for name, value in values.items() if name != "enabled"}
    data["exchange_rate"] = "1"
    url = reverse("backoffice:provider_edit", args=[imported.pk])
    response = admin.post(
        url,
        {**data, "enabled": "on", "sync_minutes": "15", "min_margin": "12.5", "rise_limit": "30"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    imported.refresh_from_db()
    assert (imported.sync_minutes, imported.min_margin, imported.rise_limit) == (
        15,
        Decimal("12.5"),
        Decimal(30),
    )
    [entry] = AuditEntry.objects.filter(action="provider.sync_settings")
    assert entry.actor_name == "alice" and not AuditEntry.objects.filter(action="provider.edit")
    upstream.fail("html", actions="services")
    with pytest.raises(ProviderError):
        sync_provider(acting_user=Actor.cli(), provider=imported)
    listing = admin.get(reverse("backoffice:providers")).content.decode()
    assert "failed" in listing and "an HTML page instead of JSON: &lt;!DOCTYPE" in listing
    assert "Last catalog sync" in admin.get(url).content.decode()
    upstream.clear_faults()
    sync_provider(acting_user=Actor.cli(), provider=imported)
    listing = admin.get(reverse("backoffice:providers")).content.decode()
    assert "3 updated, 0 disabled, 0 enabled, 0 skipped" in listing  # the new margin
