"""The worker's heartbeat: a row per worker host, written at every pass over due work."""

import socket
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from smmpanel.monitoring.models import WorkerHeartbeat


def worker_name() -> str:
    """The row this process beats on: its host (workers of one host share it)."""
    return socket.gethostname()[:255] or "worker"


def beat(now: datetime | None = None) -> None:
    """Record that this worker is alive now: one UPDATE (an INSERT the first time)."""
    now = now or timezone.now()
    name = worker_name()
    if WorkerHeartbeat.objects.filter(worker=name).update(beat_at=now):
        return
    try:
        with transaction.atomic():
            WorkerHeartbeat.objects.create(worker=name, beat_at=now)
    except IntegrityError:  # another worker of this host created it meanwhile
        WorkerHeartbeat.objects.filter(worker=name).update(beat_at=now)


def last_beat() -> datetime | None:
    """The latest heartbeat of any worker, or None when none ever beat."""
    return WorkerHeartbeat.objects.aggregate(last=Max("beat_at"))["last"]
