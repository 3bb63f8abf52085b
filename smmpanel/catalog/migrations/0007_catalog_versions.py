"""The catalog's version moves to `versions` (one scheme for every process cache): its triggers
on catalog_service and catalog_category now raise the "catalog" row of versions_version, and
CatalogVersion goes.

On SQLite, a later migration that alters catalog_service or catalog_category (most ALTERs remake
the table, which drops its triggers) must end with
`RunPython(lambda apps, editor: triggers.create(editor, "catalog", TABLES), migrations.RunPython.noop)`;
`versions.cache` finds them missing otherwise, warns and caches nothing, and
tests/test_versions.py fails.
"""

import importlib

from django.db import migrations

from smmpanel.versions import triggers

TABLES = ("catalog_service", "catalog_category")
_before = importlib.import_module("smmpanel.catalog.migrations.0004_catalog_version")


def to_versions(apps, schema_editor):
    _before.drop_triggers(apps, schema_editor)
    triggers.create(schema_editor, "catalog", TABLES)


def to_catalog_version(apps, schema_editor):
    triggers.drop(schema_editor, "catalog", TABLES)


def catalog_version_triggers(apps, schema_editor):
    _before.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_translated_service_field_names"),
        ("versions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(to_versions, to_catalog_version),
        # Reversed, the model comes back first, then its triggers and its row.
        migrations.RunPython(migrations.RunPython.noop, catalog_version_triggers),
        migrations.DeleteModel(name="CatalogVersion"),
    ]
