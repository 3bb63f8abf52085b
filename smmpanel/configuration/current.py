"""The panel's settings as they apply now: the operator's overrides over the environment.

Environment variables are the defaults (design rule 9); the operator's overrides live in one row,
read again by each process only after it changed (`versions`: database triggers raise the
settings' version with every committed change of the row), so that the API's hot path makes no
extra query and every process sees a change at once.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from smmpanel.configuration.models import PanelSettings
from smmpanel.versions import cache as versions


@dataclass(frozen=True)
class Current:
    panel_name: str
    currency: str
    languages: tuple[str, ...]
    refuse_duplicate_link: bool
    api_requests_per_minute: int
    support_auto_refill: bool
    support_auto_cancel: bool
    support_auto_speed_up: bool
    support_open_tickets: int
    support_order_cooldown_hours: int
    affiliate_percent: Decimal
    affiliate_cookie_days: int
    affiliate_hold_days: int
    affiliate_min_payout: Decimal


@receiver(setting_changed)
def _environment_changed(**kwargs: object) -> None:
    # The environment's defaults are part of what is cached (tests override them).
    versions.forget()


def available_languages() -> tuple[str, ...]:
    return tuple(code for code, _ in settings.LANGUAGES)


def current() -> Current:
    """The settings in force: each override when set, the environment's default otherwise.

    Read from the database once per change of the settings per process; the API calls this
    several times per request.
    """
    return versions.cached(("settings",), "configuration.current", _read)


def _read() -> Current:
    return _in_force(PanelSettings.objects.filter(pk=1).first() or PanelSettings(pk=1))


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
        support_auto_refill=_or_default(row.support_auto_refill, settings.SUPPORT_AUTO_REFILL),
        support_auto_cancel=_or_default(row.support_auto_cancel, settings.SUPPORT_AUTO_CANCEL),
        support_auto_speed_up=_or_default(
            row.support_auto_speed_up, settings.SUPPORT_AUTO_SPEED_UP
        ),
        support_open_tickets=_or_default(row.support_open_tickets, settings.SUPPORT_OPEN_TICKETS),
        support_order_cooldown_hours=_or_default(
            row.support_order_cooldown_hours, settings.SUPPORT_ORDER_COOLDOWN_HOURS
        ),
        affiliate_percent=_or_default(row.affiliate_percent, Decimal(settings.AFFILIATE_PERCENT)),
        affiliate_cookie_days=_or_default(
            row.affiliate_cookie_days, settings.AFFILIATE_COOKIE_DAYS
        ),
        affiliate_hold_days=_or_default(row.affiliate_hold_days, settings.AFFILIATE_HOLD_DAYS),
        affiliate_min_payout=_or_default(
            row.affiliate_min_payout, Decimal(settings.AFFILIATE_MIN_PAYOUT)
        ),
    )


def _or_default(value: Any, default: Any) -> Any:
    return default if value is None else value
