from django.conf import settings
from django.http import HttpRequest


def panel(request: HttpRequest) -> dict:
    """What every page shows: the panel's name and currency, the customer's account."""
    return {
        "panel_name": settings.PANEL_NAME,
        "currency": settings.CURRENCY,
        "account": getattr(request, "account", None),
    }
