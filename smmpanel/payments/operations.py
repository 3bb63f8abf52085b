"""Payments: created by the customer, approved or rejected by the operator or a gateway.

Approval is the only way a payment moves money, through `accounts.ledger.deposit`, exactly once:
the payment row is locked and its status re-read under the lock, and the database links at most
one ledger entry to a payment and requires one for an approved payment.
"""

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.money import MAX_AMOUNT, quantize, shown
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import gateway_of
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus

# Waiting payments one customer may have at a time: the operator's queue stays readable.
MAX_PENDING_PER_ACCOUNT = 5


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


def create_payment(
    *, account: Account, method: PaymentMethod, amount: Decimal, reference: str = ""
) -> Payment:
    """Record a customer's payment, waiting for the operator or the gateway. Moves no money."""
    gateway = gateway_of(method)
    if gateway is None or not method.active:
        raise PaymentError(PaymentErrorCode.METHOD_UNAVAILABLE)
    amount = _check_amount(method, amount)
    reference = reference.strip()[:255]
    if gateway.needs_reference and not reference:
        raise PaymentError(PaymentErrorCode.REFERENCE_REQUIRED)
    with transaction.atomic():
        # The account's lock serializes the count of waiting payments with concurrent ones.
        Account.objects.select_for_update().filter(pk=account.pk).exists()
        waiting = Payment.objects.filter(account=account, status=PaymentStatus.PENDING)
        if waiting.count() >= MAX_PENDING_PER_ACCOUNT:
            raise PaymentError(PaymentErrorCode.TOO_MANY_PENDING)
        return Payment.objects.create(
            account=account, method=method, amount=amount, reference=reference
        )


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
    decided_by: User | None = None,
    note: str = "",
    message: str = "",
    reference: str | None = None,
) -> Payment:
    """Approve a waiting payment and deposit its amount, once.

    Locks the payment, re-checks it is waiting, deposits through the ledger and records the entry
    in one transaction; a second approval (a replayed gateway notification, two operators at
    once) raises PaymentError(ALREADY_DECIDED) and deposits nothing.
    """
    with transaction.atomic():
        payment = _decide(payment_id)
        entry = ledger.deposit(
            account=Account(pk=payment.account_id),
            amount=payment.amount,
            reason=f"Payment {payment.pk}: {payment.method.name}",
        )
        payment.status = PaymentStatus.APPROVED
        payment.ledger_entry = entry
        payment.decided_at = timezone.now()
        payment.decided_by = decided_by if decided_by and decided_by.pk else None
        payment.note = note.strip()[:255]
        payment.message = message.strip()[:255]
        if reference:
            payment.reference = reference.strip()[:255]
        payment.save()
    return payment


def reject_payment(
    *, payment_id: int, decided_by: User | None = None, note: str = "", message: str = ""
) -> Payment:
    """Reject a waiting payment; it moves no money. PaymentError(ALREADY_DECIDED) when decided.
    `note` stays with the operators; `message` is shown to the customer."""
    with transaction.atomic():
        payment = _decide(payment_id)
        payment.status = PaymentStatus.REJECTED
        payment.decided_at = timezone.now()
        payment.decided_by = decided_by if decided_by and decided_by.pk else None
        payment.note = note.strip()[:255]
        payment.message = message.strip()[:255]
        payment.save()
    return payment
