"""The catalog's version number, kept by triggers on the service and category tables.

Each committed change of a service or a category adds one to the number. The row is created at
a random number (62 bits), so that a process never meets a number it has seen before even when the
row has been deleted and created again, as a test database's flush does: processes only compare
the number they read with the one they kept. On PostgreSQL the triggers are deferred to the commit,
so the number changes when the change becomes visible and the row is locked only while
committing. SQLite has one writer at a time; its triggers run with each statement.

Caution: SQLite drops a table's triggers when Django's schema editor remakes the table (most
ALTERs of catalog_service or catalog_category do). A later migration that alters either table must
create these triggers again; `catalog.cache` checks they are all there and caches nothing
otherwise, and tests/catalog/test_cache.py fails.
"""

from django.db import migrations, models

TABLES = ("service", "category")
EVENTS = ("INSERT", "UPDATE", "DELETE")
START_SQLITE = "(random() & 4611686018427387903)"
START_POSTGRESQL = "(random() * 4611686018427387903)::bigint"
SQLITE_TRIGGER = f"""
CREATE TRIGGER catalog_version_{{table}}_{{name}} AFTER {{event}} ON catalog_{{table}}
BEGIN
    INSERT INTO catalog_catalogversion (id, number) VALUES (1, {START_SQLITE})
    ON CONFLICT (id) DO UPDATE SET number = number + 1;
END
"""
POSTGRESQL = [
    f"""
CREATE FUNCTION catalog_version_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO catalog_catalogversion (id, number)
    VALUES (1, {START_POSTGRESQL})
    ON CONFLICT (id) DO UPDATE SET number = catalog_catalogversion.number + 1;
    RETURN NULL;
END
$$
""",
    *(
        f"""
CREATE CONSTRAINT TRIGGER catalog_version_{table}
AFTER INSERT OR UPDATE OR DELETE ON catalog_{table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_version_raise()
"""
        for table in TABLES
    ),
]


def create_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        statements = [
            SQLITE_TRIGGER.format(table=table, event=event, name=event.lower())
            for table in TABLES
            for event in EVENTS
        ]
        start = START_SQLITE
    elif connection.vendor == "postgresql":
        statements = POSTGRESQL
        start = START_POSTGRESQL
    else:
        return  # other databases: no triggers, and catalog.cache caches nothing
    for statement in statements:
        schema_editor.execute(statement)
    schema_editor.execute(f"INSERT INTO catalog_catalogversion (id, number) VALUES (1, {start})")


def drop_triggers(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for table in TABLES:
            for event in EVENTS:
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS catalog_version_{table}_{event.lower()}"
                )
    elif connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS catalog_version_{table} ON catalog_{table}"
            )
        schema_editor.execute("DROP FUNCTION IF EXISTS catalog_version_raise()")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_provider_routes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("number", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
