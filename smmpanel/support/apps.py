from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "smmpanel.support"
    label = "support"
    verbose_name = "Support"
