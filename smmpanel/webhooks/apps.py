from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "smmpanel.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from smmpanel.webhooks import events

        events.connect()
