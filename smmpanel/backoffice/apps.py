from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BackofficeConfig(AppConfig):
    name = "smmpanel.backoffice"
    verbose_name = "Back-office"

    def ready(self) -> None:
        from smmpanel.backoffice import roles

        post_migrate.connect(roles.ensure_groups)
