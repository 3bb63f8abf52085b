"""Secrets at rest (provider API keys, payment gateways' credentials): encrypted with Fernet
(AES-128-CBC + HMAC-SHA256, from the `cryptography` package), keyed from the panel's SECRET_KEY
and a purpose, so a secret sealed for one purpose can't be opened as another. Changing
SECRET_KEY makes what was sealed unreadable: re-enter it then. Only a hint is ever shown back."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet(purpose: str) -> Fernet:
    digest = hashlib.sha256(f"smmpanel {purpose}\0".encode() + settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(digest.digest()))


def seal(secret: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(secret.encode()).decode()


def unseal(token: str, *, purpose: str) -> str:
    """The plain secret; ValueError when SECRET_KEY changed since it was sealed."""
    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError(f"The {purpose} can't be read: re-enter them") from None


def hint(secret: str) -> str:
    """Enough to recognise a secret, not to use it."""
    return f"{secret[:4]}…{secret[-2:]}" if len(secret) >= 12 else "…"
