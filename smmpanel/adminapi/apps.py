from django.apps import AppConfig


class AdminApiConfig(AppConfig):
    name = "smmpanel.adminapi"
    label = "adminapi"
