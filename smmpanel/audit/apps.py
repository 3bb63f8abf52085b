from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "smmpanel.audit"
    verbose_name = "Audit log"
