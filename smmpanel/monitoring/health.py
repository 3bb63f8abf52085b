"""Whether the panel can work: its database answers and a worker beat recently."""

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from smmpanel.monitoring.heartbeat import last_beat


def problem() -> str | None:
    """Why the panel is unavailable, in one English line for operators; None when it is well."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat_at = last_beat()
    except DatabaseError as error:
        # The connection is unusable: the next request opens a new one.
        connection.close_if_unusable_or_obsolete()
        return f"database unreachable: {type(error).__name__}"
    if beat_at is None:
        return "no worker heartbeat yet: is `smmpanel worker` running?"
    age = timezone.now() - beat_at
    if age > timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS):
        return (
            f"no worker heartbeat for {age.total_seconds():.0f} s "
            f"(more than {settings.WORKER_HEARTBEAT_SECONDS:.0f} s)"
        )
    return None
