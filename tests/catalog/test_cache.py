"""catalog.cache: a process keeps the services orders read until the catalog changes, however it
changes, and keeps nothing it could not vouch for."""

import logging
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from smmpanel import rows
from smmpanel.catalog import cache
from smmpanel.catalog.models import Category, Service
from smmpanel.versions import cache as versions
from smmpanel.versions import triggers
from smmpanel.versions.models import Version
from tests.factories import make_service

# The cache keeps only what was committed: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

TABLES = triggers.WATCHED["catalog"]


def read(pk: int) -> tuple[Service | None, int]:
    """The service, and the number of statements reading it took."""
    with CaptureQueriesContext(connection) as queries:
        found = cache.service(pk)
    return found, len(queries)


def test_a_service_is_read_once_while_the_catalog_does_not_change():
    service = make_service(rate=Decimal("0.27819"))
    first, _ = read(service.pk)
    again, statements = read(service.pk)
    assert again is first
    assert again.rate == Decimal("0.27819") and again.name == service.name
    # Only the catalog's version number.
    assert statements == 1


def _save(service: Service) -> None:
    service.rate = Decimal("1.5")
    service.save()


def _update(service: Service) -> None:
    # A queryset update, which no model method or signal sees.
    Service.objects.filter(pk=service.pk).update(rate=Decimal("1.5"))


def _raw_sql(service: Service) -> None:
    rows.execute("UPDATE catalog_service SET rate = %s WHERE id = %s", ["1.5", service.pk])


@pytest.mark.parametrize("change", [_save, _update, _raw_sql])
def test_a_change_of_the_service_is_read_at_once(change):
    service = make_service(rate=Decimal("0.9"))
    other = make_service(rate=Decimal("2"))
    assert read(service.pk)[0].rate == Decimal("0.9")
    assert read(other.pk)[0].rate == Decimal("2")
    change(service)
    assert read(service.pk)[0].rate == Decimal("1.5")
    assert read(other.pk)[0].rate == Decimal("2")


def test_a_disabled_or_deleted_service_is_read_at_once():
    service = make_service()
    assert read(service.pk)[0].active
    Service.objects.filter(pk=service.pk).update(active=False)
    assert not read(service.pk)[0].active
    Service.objects.filter(pk=service.pk).delete()
    assert read(service.pk)[0] is None


def test_every_change_of_the_catalog_raises_the_version():
    def version() -> int:
        return Version.objects.get(name="catalog").number

    service = make_service()
    seen = [version()]
    make_service(category="Telegram")
    seen.append(version())
    Category.objects.filter(pk=service.category_id).update(name="Renamed")
    seen.append(version())
    Service.objects.filter(pk=service.pk).delete()
    seen.append(version())
    assert seen == sorted(set(seen))


def test_a_version_row_created_again_starts_at_a_number_not_seen_before():
    service = make_service(rate=Decimal("0.9"))
    assert read(service.pk)[0].rate == Decimal("0.9")
    seen = Version.objects.get(name="catalog").number
    # A flushed database (or a restored one) starts without the row.
    Version.objects.all().delete()
    assert read(service.pk)[0].rate == Decimal("0.9")
    Service.objects.filter(pk=service.pk).update(rate=Decimal("3"))
    assert Version.objects.get(name="catalog").number not in (seen, seen + 1)
    assert read(service.pk)[0].rate == Decimal("3")


def test_nothing_is_kept_inside_a_transaction():
    service = make_service(rate=Decimal("0.9"))
    with transaction.atomic():
        Service.objects.filter(pk=service.pk).update(rate=Decimal("4"))
        assert read(service.pk)[0].rate == Decimal("4")
        transaction.set_rollback(True)
    # What the rolled-back transaction read was not kept.
    assert read(service.pk)[0].rate == Decimal("0.9")
    assert read(service.pk)[0].rate == Decimal("0.9")


def _drop_one_trigger() -> None:
    if connection.vendor == "sqlite":
        rows.execute("DROP TRIGGER version_catalog_catalog_service_update", [])
    else:
        rows.execute(
            "ALTER TABLE catalog_service DISABLE TRIGGER version_catalog_catalog_service", []
        )


def _restore_triggers() -> None:
    with connection.schema_editor() as editor:
        triggers.create(editor, "catalog", TABLES)


def test_without_its_triggers_the_cache_keeps_nothing(caplog):
    """A later migration that remakes the table on SQLite drops them: orders must then read
    their service every time rather than a stale one."""
    service = make_service(rate=Decimal("0.9"))
    _drop_one_trigger()
    try:
        versions.forget()
        with caplog.at_level(logging.WARNING, logger="smmpanel.versions.cache"):
            assert read(service.pk)[0].rate == Decimal("0.9")
        assert "triggers missing" in caplog.text
        Service.objects.filter(pk=service.pk).update(rate=Decimal("5"))
        assert read(service.pk)[0].rate == Decimal("5")
    finally:
        _restore_triggers()
        versions.forget()
    Service.objects.filter(pk=service.pk).update(rate=Decimal("6"))
    assert read(service.pk)[0].rate == Decimal("6")
    assert read(service.pk)[1] == 1
