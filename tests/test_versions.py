"""versions: every process cache is kept by versions that database triggers raise, read once per
request; a change however made is read at once, and nothing is kept that could not be vouched for.
(The catalog's services: tests/catalog/test_cache.py; across server processes:
tests/api/test_caches_across_processes.py.)"""

import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from smmpanel import rows
from smmpanel.configuration.current import current
from smmpanel.configuration.models import PanelSettings
from smmpanel.versions import cache as versions
from smmpanel.versions import triggers
from smmpanel.versions.models import Version

# The caches keep only what was committed: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def statements(read):
    with CaptureQueriesContext(connection) as queries:
        value = read()
    return value, len(queries)


def test_every_cached_thing_has_all_its_triggers():
    """A migration that remakes a watched table on SQLite drops its triggers: it must create
    them again (versions.triggers)."""
    found = {row[0] for row in rows.fetchall(triggers.in_place_sql(connection.vendor), [])}
    for name, tables in triggers.WATCHED.items():
        assert triggers.names(connection.vendor, name, tables) <= found, name


def _save(currency: str) -> None:
    row, _ = PanelSettings.objects.get_or_create(pk=1)
    row.currency = currency
    row.save()


def _update(currency: str) -> None:
    PanelSettings.objects.get_or_create(pk=1)
    PanelSettings.objects.filter(pk=1).update(currency=currency)


def _raw_sql(currency: str) -> None:
    PanelSettings.objects.get_or_create(pk=1)
    rows.execute("UPDATE configuration_panelsettings SET currency = %s WHERE id = 1", [currency])


@pytest.mark.parametrize("change", [_save, _update, _raw_sql])
def test_the_settings_are_read_again_after_any_change_and_only_then(change):
    change("EUR")
    first = current()
    again, count = statements(current)
    assert again is first and again.currency == "EUR"
    assert count == 1  # the versions, not the settings' row
    change("IDR")
    assert current().currency == "IDR"
    PanelSettings.objects.all().delete()
    assert current().currency == "USD"


def test_within_a_scope_the_versions_are_read_once_for_every_cached_thing():
    _save("EUR")
    current()
    with versions.scope():
        _, count = statements(lambda: [current() for _ in range(3)])
    assert count == 1
    # Another scope reads them again, and sees a change made in between.
    _save("IDR")
    with versions.scope():
        assert current().currency == "IDR"


def test_a_rolled_back_change_is_not_kept():
    _save("EUR")
    assert current().currency == "EUR"
    with transaction.atomic():
        _update("IDR")
        assert current().currency == "IDR"
        transaction.set_rollback(True)
    assert current().currency == "EUR"
    assert current().currency == "EUR"


def test_a_version_created_again_starts_at_a_number_not_seen_before():
    _save("EUR")
    assert current().currency == "EUR"
    seen = Version.objects.get(name="settings").number
    Version.objects.all().delete()
    assert current().currency == "EUR"
    _update("IDR")
    assert Version.objects.get(name="settings").number not in (seen, seen + 1)
    assert current().currency == "IDR"


def _disable_settings_triggers() -> None:
    if connection.vendor == "sqlite":
        rows.execute("DROP TRIGGER version_settings_configuration_panelsettings_update", [])
    else:
        rows.execute(
            "ALTER TABLE configuration_panelsettings "
            "DISABLE TRIGGER version_settings_configuration_panelsettings",
            [],
        )


def test_without_its_triggers_a_thing_is_read_on_every_use(caplog):
    _save("EUR")
    _disable_settings_triggers()
    try:
        versions.forget()
        with caplog.at_level(logging.WARNING, logger="smmpanel.versions.cache"):
            assert current().currency == "EUR"
        assert "version triggers missing for settings" in caplog.text
        _update("IDR")
        assert current().currency == "IDR"
        _, count = statements(current)
        assert count == 1  # the settings' row itself
    finally:
        with connection.schema_editor() as editor:
            triggers.create(editor, "settings", triggers.WATCHED["settings"])
        versions.forget()
    _update("VND")
    assert current().currency == "VND"


def test_a_page_reads_the_versions_once_however_often_it_reads_the_settings(client):
    _save("EUR")
    client.get("/accounts/login/")  # fills the caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/login/").status_code == 200
    assert [query["sql"] for query in queries if triggers.TABLE in query["sql"]] == [versions._READ]
