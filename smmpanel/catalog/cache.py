"""Services as orders read them, kept in the process between two changes of the catalog.

Every order reads its service, and the catalog changes a few times a day. A process keeps the
services it has read, with the catalog's version number (`CatalogVersion`, which database
triggers raise with every committed change of a service or a category, whatever makes it: the
back-office, an import, a queryset update, raw SQL). Each read of a service reads that number
first: while it is the one the services were read at, they are returned as they are; once it
has changed, they are read again. A service read at a version is kept only when the number read
just after it is the same, so no change can slip between the two.

Nothing is kept inside a transaction (it may still change the catalog, or roll back), nor when
the triggers are not all in place (see migration catalog/0004). The instances are shared: callers
read them and never change them.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections

from smmpanel import rows
from smmpanel.catalog.models import CatalogVersion, Service

logger = logging.getLogger(__name__)

_VERSION = f"SELECT number FROM {CatalogVersion._meta.db_table} WHERE id = 1"
# The triggers of migration catalog/0004, by database.
_TRIGGERS = {
    "sqlite": (
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
        "AND name LIKE 'catalog\\_version\\_%%' ESCAPE '\\'",
        6,
    ),
    "postgresql": (
        "SELECT COUNT(*) FROM pg_trigger WHERE tgname IN "
        "('catalog_version_service', 'catalog_version_category') AND tgenabled <> 'D'",
        2,
    ),
}

# The services kept, by id, each with the catalog version it was read at (one entry at most per
# service: a service read again replaces its entry).
_services: dict[int, tuple[int, Service]] = {}
# Whether the triggers are in place in this process's database (checked once).
_triggers: bool | None = None


def forget() -> None:
    """Drop what is kept (tests: each test's database starts afresh)."""
    global _triggers
    _triggers = None
    _services.clear()


def _catalog_version() -> int | None:
    row = rows.fetchone(_VERSION, [])
    return row[0] if row else None


def _triggers_in_place(vendor: str) -> bool:
    global _triggers
    if _triggers is None:
        check = _TRIGGERS.get(vendor)
        _triggers = check is not None and rows.fetchone(check[0], [])[0] == check[1]  # type: ignore[index]
        if not _triggers:
            logger.warning("catalog version triggers missing: services are read on every order")
    return _triggers


def service(pk: int) -> Service | None:
    """The service with this id as the catalog holds it now (None when there is none)."""
    db = connections[DEFAULT_DB_ALIAS]
    if db.in_atomic_block or not _triggers_in_place(db.vendor):
        return rows.get(Service, pk)
    version = _catalog_version()
    if version is None:
        return rows.get(Service, pk)
    kept = _services.get(pk)
    if kept is not None and kept[0] == version:
        return kept[1]
    found = rows.get(Service, pk)
    if found is not None and _catalog_version() == version:
        _services[pk] = (version, found)
    return found
