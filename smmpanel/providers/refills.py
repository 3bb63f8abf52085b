"""Passing customers' refills on to the provider of their order, at most once, and following
the refill's status there."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from smmpanel.client import ClientError, ProviderFault, ProviderRefused, RefillStatusInfo
from smmpanel.orders.models import Refill, RefillStatus
from smmpanel.orders.refills import report_refill_status
from smmpanel.providers import connection
from smmpanel.providers.models import UpstreamOrder, UpstreamRefill, UpstreamState

logger = logging.getLogger(__name__)


def _retry(now: datetime) -> datetime:
    return now + timedelta(seconds=settings.PROVIDER_POLL_SECONDS)


def advance(refill: Refill, now: datetime) -> datetime | None:
    """Send the refill upstream (once), then poll its status; returns when to look again."""
    upstream = UpstreamRefill.objects.select_related("provider").filter(refill=refill).first()
    if upstream is None:
        return _send(refill, now)
    if upstream.state == UpstreamState.SENDING:
        # A worker died during the call: the refill may exist upstream; don't ask twice.
        _end(upstream, UpstreamState.REVIEW, "the worker stopped while sending it", refill)
        return None
    if upstream.state != UpstreamState.SENT:
        return None
    try:
        with connection.client_for(upstream.provider) as client:
            info: RefillStatusInfo = client.refill_status(str(upstream.upstream_id))
    except ClientError as error:
        logger.info("refill %s: %s", refill.pk, error.message)
        return _retry(now)
    if info.status not in RefillStatus.values:
        logger.info("refill %s: unknown status %r", refill.pk, info.raw_status)
        return _retry(now)
    refill = report_refill_status(refill_id=refill.pk, status=info.status)
    return (
        _retry(now) if refill.status in (RefillStatus.PENDING, RefillStatus.IN_PROGRESS) else None
    )


def _send(refill: Refill, now: datetime) -> datetime | None:
    order_upstream = (
        UpstreamOrder.objects.select_related("provider")
        .filter(order_id=refill.order_id, run__isnull=True, state=UpstreamState.SENT)
        .first()
    )
    if order_upstream is None:
        report_refill_status(refill_id=refill.pk, status=RefillStatus.REJECTED)
        return None
    try:
        with transaction.atomic():
            upstream = UpstreamRefill.objects.create(
                refill=refill, provider=order_upstream.provider, state=UpstreamState.SENDING
            )
    except IntegrityError:
        return None
    try:
        with connection.client_for(order_upstream.provider) as client:
            refill_id = client.refill(str(order_upstream.upstream_id))
    except ProviderRefused as error:
        _end(upstream, UpstreamState.REFUSED, error.message, refill)
        return None
    except ProviderFault as error:
        if error.maybe_sent:
            _end(upstream, UpstreamState.REVIEW, f"outcome unknown: {error.message}", refill)
            return None
        upstream.delete()  # certainly not sent: try again later
        return _retry(now)
    UpstreamRefill.objects.filter(pk=upstream.pk).update(
        state=UpstreamState.SENT, upstream_id=refill_id[:64]
    )
    return _retry(now)


def _end(upstream: UpstreamRefill, state: str, reason: str, refill: Refill) -> None:
    """The refill did not (or may not) happen upstream: the customer sees it as rejected (or
    failed) and may ask again; the reason stays on the upstream record."""
    UpstreamRefill.objects.filter(pk=upstream.pk).update(state=state, error=reason[:2000])
    status = RefillStatus.REJECTED if state == UpstreamState.REFUSED else RefillStatus.ERROR
    report_refill_status(refill_id=refill.pk, status=status)
