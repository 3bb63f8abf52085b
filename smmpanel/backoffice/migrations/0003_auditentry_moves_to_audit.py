from django.db import migrations


class Migration(migrations.Migration):
    """The audit log moved to its own app; the table stays where it is (state only)."""

    dependencies = [("backoffice", "0002_catalog_imports")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
        )
    ]
