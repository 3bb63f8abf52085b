"""A client for a provider, from its stored settings."""

from django.conf import settings

from smmpanel.client import Client, Dialect
from smmpanel.providers.keys import decrypt_key
from smmpanel.providers.models import Provider

# The names operators give dialects (`smmpanel provider add --dialect`), besides `auto`.
DIALECTS = {
    "form": Dialect(),
    "json": Dialect(body="json"),
    "json-numeric": Dialect(body="json", numeric_ids=True),
    "bearer": Dialect(auth="bearer"),
    "get": Dialect(method="GET"),
}


def client_for(provider: Provider) -> Client:
    """A client speaking the provider's dialect. Its timeout stays well inside the worker's lease,
    so a call in flight never outlives the claim on its order."""
    return Client(
        provider.url,
        decrypt_key(provider.key_encrypted),
        Dialect.from_json(provider.dialect),
        timeout=settings.PROVIDER_TIMEOUT_SECONDS,
    )
