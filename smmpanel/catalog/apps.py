from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "smmpanel.catalog"
    label = "catalog"
