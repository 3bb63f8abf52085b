"""The routines the worker runs at intervals, each by name: one row per routine is its due time
and its lease (`claims.claim_due`), so that one worker of many runs it each time."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import NamedTuple

from smmpanel.accounts.ranks import assign_ranks
from smmpanel.orders.auto_refills import request_auto_refills
from smmpanel.providers.reroutes import request_reroutes
from smmpanel.quality.timing import measure_average_times
from smmpanel.worker.models import Routine


class Every(NamedTuple):
    interval: timedelta
    run: Callable[[datetime], object]


ROUTINES: dict[str, Every] = {
    "quality.average_times": Every(timedelta(hours=1), measure_average_times),
    "orders.auto_refills": Every(timedelta(minutes=10), request_auto_refills),
    "providers.reroutes": Every(timedelta(minutes=5), request_reroutes),
    "accounts.ranks": Every(timedelta(hours=1), assign_ranks),
}


def ensure_routines(now: datetime) -> None:
    """A row for each routine not seen yet (due at once); kept ones keep their times. A read on
    each pass, a write only when a routine is new."""
    if Routine.objects.filter(name__in=ROUTINES).count() == len(ROUTINES):
        return
    Routine.objects.bulk_create(
        [Routine(name=name, next_attempt_at=now) for name in ROUTINES], ignore_conflicts=True
    )


def run_routine(routine: Routine, now: datetime) -> datetime | None:
    """Run one claimed routine; the next time it is due. A routine no longer known is dropped
    from the schedule (None)."""
    every = ROUTINES.get(routine.name)
    if every is None:
        return None
    every.run(now)
    Routine.objects.filter(pk=routine.pk).update(last_run_at=now)
    return now + every.interval
