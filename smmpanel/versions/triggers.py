"""The triggers that raise a cached thing's version, created by migrations, checked at run time.

Each committed change of a watched table (insert, update, delete; by the ORM, a queryset update
or raw SQL) adds one to its thing's row in `versions_version`. A missing row is created at a
random number (62 bits), so that a process never meets a number it has seen before even after
the row was deleted and created again (a test database's flush, a restore): processes only
compare the number they read with the one they kept. On PostgreSQL the triggers are deferred to
the commit, so the number changes when the change becomes visible, and its row is locked only
while committing; SQLite has one writer at a time, and its triggers run with each statement.

SQLite drops a table's triggers when Django's schema editor remakes the table (most ALTERs do):
a migration that alters a watched table must call `create` again for it (see catalog/0007).
`versions.cache` checks at start-up that every trigger is in place, and caches nothing for a
thing whose triggers are not, with a warning.
"""

from typing import Any

# Each cached thing and the tables it is read from. A new cached thing: add it here, and create
# its triggers in a migration of the app that owns the tables (`create`).
WATCHED: dict[str, tuple[str, ...]] = {
    "catalog": ("catalog_service", "catalog_category"),
    "settings": ("configuration_panelsettings",),
}

TABLE = "versions_version"
EVENTS = ("INSERT", "UPDATE", "DELETE")
# A random non-negative 62-bit start: room for 2^62 changes before a bigint overflows.
START = {
    "sqlite": "(random() & 4611686018427387903)",
    "postgresql": "(random() * 4611686018427387903)::bigint",
}

_SQLITE_TRIGGER = """
CREATE TRIGGER {trigger} AFTER {event} ON {table}
BEGIN
    INSERT INTO versions_version (name, number) VALUES ('{name}', {start})
    ON CONFLICT (name) DO UPDATE SET number = number + 1;
END
"""
# One function for every thing: the trigger passes the thing's name.
_POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION versions_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO versions_version (name, number) VALUES (TG_ARGV[0], {START["postgresql"]})
    ON CONFLICT (name) DO UPDATE SET number = versions_version.number + 1;
    RETURN NULL;
END
$$
"""
_POSTGRESQL_TRIGGER = """
CREATE CONSTRAINT TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION versions_raise('{name}')
"""


def names(vendor: str, name: str, tables: tuple[str, ...]) -> set[str]:
    """The names of the triggers of `name` on `tables`."""
    if vendor == "sqlite":
        return {f"version_{name}_{table}_{event.lower()}" for table in tables for event in EVENTS}
    return {f"version_{name}_{table}" for table in tables}


def create(schema_editor: Any, name: str, tables: tuple[str, ...]) -> None:
    """Create (again) the triggers raising `name`'s version on `tables`, and its row. For
    migrations; other databases get none, and `versions.cache` caches nothing there."""
    vendor = schema_editor.connection.vendor
    if vendor not in START:
        return
    drop(schema_editor, name, tables)
    if vendor == "postgresql":
        schema_editor.execute(_POSTGRESQL_FUNCTION)
    for table in tables:
        if vendor == "sqlite":
            for event in EVENTS:
                trigger = f"version_{name}_{table}_{event.lower()}"
                schema_editor.execute(
                    _SQLITE_TRIGGER.format(
                        trigger=trigger, event=event, table=table, name=name, start=START[vendor]
                    )
                )
        else:
            trigger = f"version_{name}_{table}"
            schema_editor.execute(
                _POSTGRESQL_TRIGGER.format(trigger=trigger, table=table, name=name)
            )
    # A new number: changes made while the triggers were missing were counted by none.
    schema_editor.execute(
        f"INSERT INTO {TABLE} (name, number) VALUES ('{name}', {START[vendor]}) "
        f"ON CONFLICT (name) DO UPDATE SET number = {START[vendor]}"
    )


def drop(schema_editor: Any, name: str, tables: tuple[str, ...]) -> None:
    vendor = schema_editor.connection.vendor
    for trigger in sorted(names(vendor, name, tables)):
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        elif vendor == "postgresql":
            table = trigger.removeprefix(f"version_{name}_")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")


# The triggers in place, by database (disabled ones do not count).
_IN_PLACE = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'version%%'",
    "postgresql": (
        "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'version%%' AND tgenabled <> 'D'"
    ),
}


def in_place_sql(vendor: str) -> str | None:
    return _IN_PLACE.get(vendor)
