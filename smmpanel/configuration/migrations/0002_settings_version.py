"""The panel settings' version (`versions`): every process reads the settings again after any
committed change of the row, at once.

On SQLite, a later migration that alters configuration_panelsettings (most ALTERs remake the
table, which drops its triggers) must end with
`RunPython(lambda apps, editor: triggers.create(editor, "settings", TABLES), migrations.RunPython.noop)`;
`versions.cache` finds them missing otherwise, warns and caches nothing.
"""

from django.db import migrations

from smmpanel.versions import triggers

TABLES = ("configuration_panelsettings",)


def create(apps, schema_editor):
    triggers.create(schema_editor, "settings", TABLES)


def drop(apps, schema_editor):
    triggers.drop(schema_editor, "settings", TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("configuration", "0001_initial"),
        ("versions", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
