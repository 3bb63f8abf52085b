from django.db import models


class WorkerHeartbeat(models.Model):
    """The last time a worker passed over due work: one row per worker host (several workers
    on one host share it, the latest wins). `/healthz` and `/metrics` read the latest of all."""

    worker = models.CharField(max_length=255, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
