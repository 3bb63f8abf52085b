from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "smmpanel.worker"
    label = "worker"
