"""Provider API keys at rest, sealed by `smmpanel.sealed` (Fernet keyed from SECRET_KEY)."""

from smmpanel import sealed

PURPOSE = "provider keys"


def encrypt_key(key: str) -> str:
    return sealed.seal(key, purpose=PURPOSE)


def decrypt_key(token: str) -> str:
    """The plain key; ValueError when SECRET_KEY changed since it was stored."""
    try:
        return sealed.unseal(token, purpose=PURPOSE)
    except ValueError:
        raise ValueError("The provider key can't be read: re-enter it") from None


key_hint = sealed.hint
