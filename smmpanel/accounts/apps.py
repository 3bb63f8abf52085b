from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "smmpanel.accounts"
    label = "accounts"
