"""A client for a provider, from its stored settings."""

from time import perf_counter
from typing import Any

from django.conf import settings

from smmpanel.client import Client, ClientError, Dialect
from smmpanel.client.protocol import Call
from smmpanel.monitoring.metrics import PROVIDER_CALLS
from smmpanel.netpolicy import provider_transport
from smmpanel.providers.keys import decrypt_key
from smmpanel.providers.models import Provider


class Clients:
    """One client per provider for the length of a pass (a client keeps its connections open
    and is safe to share between threads); close them all at the end."""

    def __init__(self) -> None:
        self._clients: dict[int, Client] = {}

    def __enter__(self) -> "Clients":
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self._clients.values():
            client.close()

    def get(self, provider: Provider) -> Client:
        if provider.pk not in self._clients:
            self._clients[provider.pk] = client_for(provider)
        return self._clients[provider.pk]


class MeteredClient(Client):
    """A client that counts each HTTP call it makes, by provider, action and outcome ("ok", or
    the fault's kind: refused, timeout, unreachable, http, bad_reply), with its time."""

    def __init__(self, *args: Any, provider_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider_name = provider_name

    def _send(self, call: Call) -> Any:
        started = perf_counter()
        outcome = "ok"
        try:
            return super()._send(call)
        except ClientError as error:
            outcome = str(error.kind)
            raise
        finally:
            PROVIDER_CALLS.labels(self.provider_name, call.action, outcome).observe(
                perf_counter() - started
            )


def client_for(provider: Provider) -> Client:
    """A client speaking the provider's dialect. Its timeout stays well inside the worker's lease,
    so a call in flight never outlives the claim on its order. Unless the operator allows private
    providers, each of its connections goes only to a public address (`netpolicy`)."""
    return MeteredClient(
        provider.url,
        decrypt_key(provider.key_encrypted),
        Dialect.from_json(provider.dialect),
        timeout=settings.PROVIDER_TIMEOUT_SECONDS,
        transport=provider_transport(),
        provider_name=provider.name,
    )
