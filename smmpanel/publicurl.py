"""Absolute links to the panel, built from its public address (`SMMPANEL_PUBLIC_URL`).

A link in an e-mail or handed to a payment gateway must never come from the request: its Host
header is whatever the client sent, and a password-reset e-mail built from it would carry a
valid token to the attacker's host. Every absolute URL the panel gives out is `absolute(path)`.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING = (
    "SMMPANEL_PUBLIC_URL is not set. Set it to the address customers open the panel at, e.g. "
    "SMMPANEL_PUBLIC_URL=https://panel.example.com (links in e-mails and to payment gateways "
    "are built from it, and the panel answers to its host name). Only for development: "
    "SMMPANEL_DEBUG=1 runs without it."
)


def require() -> None:
    """Refuse to serve without a public address (development with DEBUG has a local one)."""
    if not settings.PUBLIC_URL:
        raise ImproperlyConfigured(MISSING)


def absolute(path: str) -> str:
    """The public URL of `path` (an absolute path such as `reverse(...)` returns)."""
    require()
    if not path.startswith("/"):
        raise ValueError(f"an absolute path is needed, not {path!r}")
    return settings.PUBLIC_URL + path
