"""Payments: created by the customer, approved or rejected by the operator or a gateway.

Approval is the only way a payment moves money, through `accounts.ledger.deposit`, exactly once:
the payment row is locked and its status re-read under the lock, and the database links at most
one ledger entry to a payment and requires one for an approved payment.
"""

import logging
from datetime import timedelta
from decimal import ROUND_UP, Decimal

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.money import MAX_AMOUNT, currency_decimals, quantize, shown
from smmpanel.notifications.outbox import notify_operators
from smmpanel.notifications.texts import PAYMENT_WAITING
from smmpanel.payments.coupons import usable
from smmpanel.payments.crediting import credit
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Checkout, config_of, gateway_of
from smmpanel.payments.models import Payment, PaymentEvent, PaymentMethod, PaymentStatus

logger = logging.getLogger(__name__)
# A gateway payment not paid within this time expires (after a last check with the gateway);
# the worker first asks the gateway about it this long after it was created.
PAYMENT_LIFETIME = timedelta(hours=24)
FIRST_CHECK = timedelta(minutes=2)
# Waiting payments one customer may have at a time: the operator's queue stays readable.
MAX_PENDING_PER_ACCOUNT = 5
# What a decision's audit entry shows of the payment, before and after.
FIELDS = ("status", "amount", "reference", "note", "message", "ledger_entry")


def _money(amount: Decimal) -> str:
    # The page shows the error: the same digits as its other amounts.
    return shown(Decimal(amount))


def _check_amount(method: PaymentMethod, amount: Decimal) -> Decimal:
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT or amount != quantize(amount):
        raise PaymentError(PaymentErrorCode.INVALID_AMOUNT)
    if amount < method.min_amount:
        raise PaymentError(PaymentErrorCode.AMOUNT_TOO_SMALL, min=_money(method.min_amount))
    if method.max_amount is not None and amount > method.max_amount:
        raise PaymentError(PaymentErrorCode.AMOUNT_TOO_LARGE, max=_money(method.max_amount))
    return quantize(amount)


def gateway_amount(method: PaymentMethod, amount: Decimal) -> tuple[Decimal, str]:
    """What the customer pays at the gateway for `amount` of the panel's currency, and in
    which currency: converted at the method's rate, with its fee when the fee is added, rounded
    up to the currency's smallest unit (a gateway takes whole rupiah and dong)."""
    currency = method.currency or settings.CURRENCY
    converted = amount * method.exchange_rate
    if method.fee_added:
        converted += converted * method.fee_percent / 100 + method.fee_fixed
    unit = Decimal(1).scaleb(-currency_decimals(currency))
    return converted.quantize(unit, rounding=ROUND_UP), currency


def create_payment(
    *,
    account: Account,
    method: PaymentMethod,
    amount: Decimal,
    reference: str = "",
    coupon_code: str = "",
) -> Payment:
    """Record a customer's payment, waiting for the operator or the gateway, with what the
    customer pays at the gateway (`gateway_amount`, in the method's currency), when it expires
    unpaid and when the worker first looks at it (`polling`). Moves no money."""
    gateway = gateway_of(method)
    if gateway is None or not method.active:
        raise PaymentError(PaymentErrorCode.METHOD_UNAVAILABLE)
    amount = _check_amount(method, amount)
    reference = reference.strip()[:255]
    if gateway.needs_reference and not reference:
        raise PaymentError(PaymentErrorCode.REFERENCE_REQUIRED)
    # A coupon worth a percent of this deposit: checked now, redeemed when it is credited.
    coupon = usable(coupon_code, account, percent=True) if coupon_code.strip() else None
    to_pay, currency = gateway_amount(method, amount)
    now = timezone.now()
    # A payment the customer makes at a gateway expires when abandoned; a bank transfer the
    # operator checks by hand waits for the operator.
    expires_at = None if gateway.needs_reference else now + PAYMENT_LIFETIME
    with transaction.atomic():
        # The account's lock serializes the count of waiting payments with concurrent ones.
        Account.objects.select_for_update().filter(pk=account.pk).exists()
        waiting = Payment.objects.filter(account=account, status=PaymentStatus.PENDING)
        if waiting.count() >= MAX_PENDING_PER_ACCOUNT:
            raise PaymentError(PaymentErrorCode.TOO_MANY_PENDING)
        payment = Payment.objects.create(
            account=account,
            method=method,
            amount=amount,
            reference=reference,
            coupon=coupon,
            gateway=method.gateway,
            gateway_amount=to_pay,
            currency=currency,
            expires_at=expires_at,
            next_attempt_at=(now + FIRST_CHECK) if gateway.polls else expires_at,
        )
        PaymentEvent.objects.create(payment=payment, kind=PaymentEvent.Kind.CREATED)
        if gateway.needs_reference:
            # Checked by hand: the operators are told it waits for them.
            notify_operators(
                kind=PAYMENT_WAITING,
                params={
                    "payment": payment.pk,
                    "username": account.user.get_username(),
                    "amount": str(amount),
                    "method": method.name,
                    "reference": reference,
                },
            )
    return payment


def start_payment(*, payment: Payment) -> Checkout | None:
    """Open a created payment at its gateway (a network call: outside any transaction) and
    keep where the customer pays. A gateway that can't be reached leaves the payment rejected
    with the reason in its history, and raises PaymentError(GATEWAY_UNAVAILABLE)."""
    gateway = gateway_of(payment.method)
    if gateway is None:
        raise PaymentError(PaymentErrorCode.METHOD_UNAVAILABLE)
    try:
        checkout = gateway.start(payment, config_of(payment.method))
    except (PaymentError, ValueError, httpx.HTTPError) as error:
        logger.warning("payment %s: the gateway refused to start it: %s", payment.pk, error)
        with transaction.atomic():
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.REJECTED, next_attempt_at=None, decided_at=timezone.now()
            )
            PaymentEvent.objects.create(
                payment=payment,
                kind=PaymentEvent.Kind.REJECTED,
                detail=f"the gateway could not start it: {error}"[:500],
            )
        raise PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE) from None
    if checkout is not None:
        payment.checkout_url = checkout.url
        fields = ["checkout_url"]
        if checkout.gateway_reference and not payment.gateway_reference:
            payment.gateway_reference = checkout.gateway_reference[:255]
            fields.append("gateway_reference")
        payment.save(update_fields=fields)
    return checkout


def _decide(payment_id: int) -> Payment:
    """The waiting payment, locked; PaymentError when it is missing or already decided."""
    payment = Payment.objects.select_for_update().select_related("method").filter(pk=payment_id)
    found = payment.first()
    if found is None:
        raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
    if found.status != PaymentStatus.PENDING:
        raise PaymentError(PaymentErrorCode.ALREADY_DECIDED)
    return found


def approve_payment(
    *,
    payment_id: int,
    acting_user: Actor,
    note: str = "",
    message: str = "",
    reference: str | None = None,
) -> Payment:
    """Approve a waiting payment and deposit its amount, once.

    Locks the payment, re-checks it is waiting, deposits through the ledger, records the entry
    and the audit entry ("payment.approve") in one transaction; a second approval (a replayed
    gateway notification, two operators at once) raises PaymentError(ALREADY_DECIDED) and
    writes nothing.
    """
    with transaction.atomic():
        payment = _decide(payment_id)
        before = snapshot(payment, FIELDS)
        if reference:
            payment.reference = reference.strip()[:255]
        credit(payment, detail=acting_user.name)
        _decided(payment, acting_user, note=note, message=message)
        record(
            acting_user,
            "payment.approve",
            obj=payment,
            summary=payment.note,
            before=before,
            after=snapshot(payment, FIELDS),
        )
    return payment


def reject_payment(
    *, payment_id: int, acting_user: Actor, note: str = "", message: str = ""
) -> Payment:
    """Reject a waiting payment; it moves no money. PaymentError(ALREADY_DECIDED), and nothing
    written, when it was decided already. `note` stays with the operators; `message` is shown
    to the customer. The audit entry ("payment.reject") is written in the same transaction."""
    with transaction.atomic():
        payment = _decide(payment_id)
        before = snapshot(payment, FIELDS)
        payment.status = PaymentStatus.REJECTED
        _decided(payment, acting_user, note=note, message=message)
        PaymentEvent.objects.create(
            payment=payment, kind=PaymentEvent.Kind.REJECTED, detail=acting_user.name[:500]
        )
        record(
            acting_user,
            "payment.reject",
            obj=payment,
            summary=payment.note,
            before=before,
            after=snapshot(payment, FIELDS),
        )
    return payment


def _decided(payment: Payment, acting_user: Actor, *, note: str, message: str) -> None:
    payment.decided_at = timezone.now()
    payment.next_attempt_at = None
    # A staff user decides in person; a gateway, the CLI or the system is named in the audit log.
    payment.decided_by_id = getattr(acting_user.user, "pk", None)  # type: ignore[attr-defined]
    payment.note = note.strip()[:255]
    payment.message = message.strip()[:255]
    payment.save()
