from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "smmpanel.quality"
    label = "quality"

    def ready(self) -> None:
        from smmpanel.orders.changes import orders_changed
        from smmpanel.quality.progress import record_progress

        orders_changed.connect(record_progress, dispatch_uid="quality.record_progress")
