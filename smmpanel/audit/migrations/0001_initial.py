import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The audit log's model, moved from the back-office app: its table already exists."""

    initial = True

    dependencies = [
        ("backoffice", "0003_auditentry_moves_to_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("actor_name", models.CharField(max_length=150)),
                        ("action", models.CharField(max_length=64)),
                        ("object_type", models.CharField(blank=True, max_length=64)),
                        ("object_id", models.CharField(blank=True, max_length=64)),
                        ("summary", models.CharField(blank=True, max_length=500)),
                        ("before", models.JSONField(blank=True, null=True)),
                        ("after", models.JSONField(blank=True, null=True)),
                        ("ip", models.GenericIPAddressField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="audit_entries", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "backoffice_auditentry",
                        "verbose_name_plural": "audit entries",
                        "indexes": [
                            models.Index(fields=["object_type", "object_id"], name="audit_object"),
                            models.Index(fields=["actor", "-id"], name="audit_actor_recent"),
                        ],
                    },
                ),
            ],
        )
    ]
