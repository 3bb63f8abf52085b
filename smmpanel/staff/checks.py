"""Settings checks: a wrong rate or status is reported at start-up, not at the first request."""

from django.conf import settings
from django.core import checks

from smmpanel.ratelimit import RateError, parse_rate

RATE_SETTINGS = ("RATE_LIMIT_API_KEY", "RATE_LIMIT_API_IP", "RATE_LIMIT_LOGIN")


@checks.register()
def check_rate_limits(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for name in RATE_SETTINGS:
        try:
            parse_rate(getattr(settings, name))
        except RateError as error:
            errors.append(checks.Error(f"SMMPANEL_{name}: {error}", id="smmpanel.E001"))
    if settings.RATE_LIMIT_STATUS not in (200, 429):
        errors.append(
            checks.Error("SMMPANEL_RATE_LIMIT_STATUS must be 200 or 429", id="smmpanel.E002")
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_public_url(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    from smmpanel.publicurl import MISSING

    return [] if settings.PUBLIC_URL else [checks.Error(MISSING, id="smmpanel.E003")]
