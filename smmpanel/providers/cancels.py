"""Passing customers' cancel requests on to providers. The provider's later status (Canceled or
Partial) settles the order through the status path; a refusal rejects the request."""

from collections.abc import Callable
from datetime import datetime

from smmpanel.client import ClientError, ProviderRefused
from smmpanel.providers import connection
from smmpanel.providers.models import Provider, UpstreamOrder
from smmpanel.providers.sync import per_provider


def _cancel(provider: Provider, ids: list[str]) -> dict[str, bool | ProviderRefused]:
    with connection.client_for(provider) as client:
        return client.cancel(ids)


def send(
    upstreams: list[UpstreamOrder], now: datetime, keepalive: Callable[[], None]
) -> list[tuple[UpstreamOrder, bool]]:
    """Ask each provider to cancel; returns the definite answers (accepted or refused). A fault
    leaves the request pending, to be passed on at the next poll."""
    replies = per_provider(upstreams, _cancel, keepalive)
    answers = []
    for upstream in upstreams:
        reply = replies[upstream.provider_id]
        if isinstance(reply, ClientError):
            if not isinstance(reply, ProviderRefused):
                continue
            answer: bool | ProviderRefused | None = reply
        else:
            answer = reply.get(str(upstream.upstream_id))
        if answer is None:
            continue
        accepted = answer is True
        UpstreamOrder.objects.filter(pk=upstream.pk).update(
            cancel_sent_at=now, error="" if accepted else str(getattr(answer, "message", ""))
        )
        answers.append((upstream, accepted))
    return answers
