"""Payments: created by the customer, approved or rejected by the operator or a gateway.

Approval is the only way a payment moves money, through `accounts.ledger.deposit`, exactly once:
the payment row is locked and its status re-read under the lock, and the database links at most
one ledger entry to a payment and requires one for an approved payment.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.money import MAX_AMOUNT, quantize, shown
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import gateway_of
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus

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
        entry = ledger.deposit(
            account=Account(pk=payment.account_id),
            amount=payment.amount,
            reason=f"Payment {payment.pk}: {payment.method.name}",
        )
        payment.status = PaymentStatus.APPROVED
        payment.ledger_entry = entry
        if reference:
            payment.reference = reference.strip()[:255]
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
    # A staff user decides in person; a gateway, the CLI or the system is named in the audit log.
    payment.decided_by_id = getattr(acting_user.user, "pk", None)  # type: ignore[attr-defined]
    payment.note = note.strip()[:255]
    payment.message = message.strip()[:255]
    payment.save()
