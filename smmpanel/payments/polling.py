"""The worker's part in payments: ask the gateway about payments still waiting, so that a lost
notification never loses a deposit, and expire the ones nobody paid.

A waiting gateway payment carries `next_attempt_at` and is claimed with a lease like an order
(`worker.claims`); its checks thin out as it ages (2, 5, 10, 30 minutes, then hourly) until
`expires_at`, when one last check decides between credited and expired.
"""

import logging
from datetime import datetime, timedelta

import httpx

from smmpanel.audit.log import Actor
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import config_of, gateways
from smmpanel.payments.models import Payment, PaymentEvent, PaymentStatus
from smmpanel.payments.settlement import expire, settle

logger = logging.getLogger(__name__)
RETRY_AFTER_FAILURE = timedelta(minutes=5)


# (age below which, wait before the next check): checks thin out as a payment ages.
CHECK_STEPS = (
    (timedelta(minutes=10), timedelta(minutes=2)),
    (timedelta(minutes=30), timedelta(minutes=5)),
    (timedelta(hours=2), timedelta(minutes=10)),
    (timedelta(hours=6), timedelta(minutes=30)),
)


def _next_check(payment: Payment, now: datetime) -> datetime:
    age = now - payment.created_at
    wait = next((step for younger, step in CHECK_STEPS if age < younger), timedelta(hours=1))
    if payment.expires_at is not None and now < payment.expires_at:
        return min(now + wait, payment.expires_at)
    return now + wait


def check_payment(payment: Payment, now: datetime) -> datetime | None:
    """Ask the gateway about one waiting payment and settle what it says; expire it when its
    time is up. Returns when to ask again (None: it is decided). Network calls happen here,
    outside any transaction; `settle` takes its own."""
    if payment.status != PaymentStatus.PENDING:
        return None
    gateway = gateways().get(payment.gateway)
    if gateway is not None and gateway.polls:
        try:
            report = gateway.check(payment, config_of(payment.method))
            if report is not None:
                payment = settle(
                    gateway=payment.gateway,
                    report=report,
                    acting_user=Actor.system(),
                    source=PaymentEvent.Kind.CHECK,
                )
        except (PaymentError, ValueError, httpx.HTTPError) as error:
            logger.warning("payment %s: the status check failed: %s", payment.pk, error)
            if payment.expires_at is None or now < payment.expires_at:
                return now + RETRY_AFTER_FAILURE
    if payment.status != PaymentStatus.PENDING:
        return None
    if payment.expires_at is not None and now >= payment.expires_at:
        expire(payment_id=payment.pk, acting_user=Actor.system())
        return None
    return _next_check(payment, now)


def check_now(*, payment_id: int, acting_user: Actor) -> Payment:
    """An operator's "check with the gateway now": the gateway's word on the payment, settled
    as a worker's check is (a change of status is audited in the operator's name).
    PaymentError(NO_STATUS_CHECK) for a gateway without a status API, (GATEWAY_UNAVAILABLE)
    when it can't be reached."""
    payment = Payment.objects.select_related("method").get(pk=payment_id)
    gateway = gateways().get(payment.gateway)
    if gateway is None or not gateway.polls:
        raise PaymentError(PaymentErrorCode.NO_STATUS_CHECK)
    try:
        report = gateway.check(payment, config_of(payment.method))
    except (ValueError, httpx.HTTPError) as error:
        logger.warning("payment %s: the status check failed: %s", payment.pk, error)
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from None
    if report is None:
        return payment
    return settle(
        gateway=payment.gateway,
        report=report,
        acting_user=acting_user,
        source=PaymentEvent.Kind.CHECK,
    )
