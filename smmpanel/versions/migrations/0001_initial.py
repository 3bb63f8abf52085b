"""The versions of the cached things; each app's migration creates the triggers on its tables
(`versions.triggers.create`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Version",
            fields=[
                ("name", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("number", models.BigIntegerField()),
            ],
        ),
    ]
