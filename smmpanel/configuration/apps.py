from django.apps import AppConfig


class ConfigurationConfig(AppConfig):
    name = "smmpanel.configuration"
    verbose_name = "Panel settings"
