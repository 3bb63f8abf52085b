from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class BackofficeConfig(AppConfig):
    name = "smmpanel.backoffice"
    verbose_name = "Back-office"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry

        from smmpanel.audit import log as audit
        from smmpanel.backoffice import roles

        post_migrate.connect(roles.ensure_groups)
        post_save.connect(audit.record_admin_log_entry, sender=LogEntry)
