"""Provider API keys at rest: encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package), keyed from the panel's SECRET_KEY. Changing SECRET_KEY makes the stored
keys unreadable: re-enter them then. Only a hint of a key is ever shown back."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"smmpanel provider keys\0" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt_key(key: str) -> str:
    return _fernet().encrypt(key.encode()).decode()


def decrypt_key(token: str) -> str:
    """The plain key; ValueError when SECRET_KEY changed since it was stored."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("The provider key can't be read: re-enter it") from None


def key_hint(key: str) -> str:
    """Enough to recognise a key, not to use it."""
    return f"{key[:4]}…{key[-2:]}" if len(key) >= 12 else "…"
