from django.conf import settings
from django.http import HttpRequest

from smmpanel.configuration.current import current


def panel(request: HttpRequest) -> dict:
    """What every page shows: the panel's name and currency, the customer's account."""
    now = current()  # the operator's settings over the environment's defaults
    return {
        "panel_name": now.panel_name,
        "currency": now.currency,
        "languages": [(code, name) for code, name in settings.LANGUAGES if code in now.languages],
        "account": getattr(request, "account", None),
    }
