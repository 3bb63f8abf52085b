"""The panel's settings as they apply now: the operator's overrides over the environment.

Environment variables are the defaults (design rule 6); the operator's overrides live in one row,
read at most once per `TTL_SECONDS` per process, so that the API's hot path makes no extra query.
A change made in this process is seen at once; other processes see it within the TTL.
"""

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from smmpanel.configuration.models import PanelSettings

TTL_SECONDS = 5.0

_lock = threading.Lock()
# The settings in force and when they were read; one object per TTL, shared by every request.
_cached: "tuple[float, Current] | None" = None


@dataclass(frozen=True)
class Current:
    panel_name: str
    currency: str
    languages: tuple[str, ...]
    refuse_duplicate_link: bool
    api_requests_per_minute: int


def invalidate() -> None:
    """Forget the settings read (after a change, and between tests)."""
    global _cached
    with _lock:
        _cached = None


@receiver(setting_changed)
def _environment_changed(**kwargs: object) -> None:
    # The environment's defaults are part of what is cached (tests override them).
    invalidate()


def available_languages() -> tuple[str, ...]:
    return tuple(code for code, _ in settings.LANGUAGES)


def current() -> Current:
    """The settings in force: each override when set, the environment's default otherwise.

    Read from the database at most once per `TTL_SECONDS` per process; the API calls this several
    times per request.
    """
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < TTL_SECONDS:
        return cached[1]
    row = PanelSettings.objects.filter(pk=1).first() or PanelSettings(pk=1)
    settings_now = _in_force(row)
    with _lock:
        _cached = (now, settings_now)
    return settings_now


def _in_force(row: PanelSettings) -> Current:
    offered = available_languages()
    chosen = tuple(code for code in row.languages.split(",") if code in offered)
    return Current(
        panel_name=row.panel_name or settings.PANEL_NAME,
        currency=row.currency or settings.CURRENCY,
        languages=chosen or offered,
        refuse_duplicate_link=(
            settings.REFUSE_DUPLICATE_LINK
            if row.refuse_duplicate_link is None
            else row.refuse_duplicate_link
        ),
        api_requests_per_minute=(
            settings.API_REQUESTS_PER_MINUTE
            if row.api_requests_per_minute is None
            else row.api_requests_per_minute
        ),
    )
