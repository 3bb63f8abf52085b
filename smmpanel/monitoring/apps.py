from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "smmpanel.monitoring"
    verbose_name = "Monitoring"
