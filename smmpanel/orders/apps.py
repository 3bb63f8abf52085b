from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "smmpanel.orders"
    label = "orders"
