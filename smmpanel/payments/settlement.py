"""What a gateway's report does to a payment and the ledger, decided once for every gateway.

`settle` takes a verified `Report` (from a notification or a status check) and:
- refuses (PaymentError, nothing written) a report for a payment that does not exist or is
  another gateway's, and a "paid" whose amount or currency is not what the panel asked for;
- credits a waiting (or expired: the money arrived) payment once when it is paid: the deposit
  goes through `accounts.ledger`, and the database allows one deposit per payment and one
  payment per gateway transaction, so 20 copies of one notification at once credit it once;
- rejects or expires a waiting payment that failed or expired; never undoes a credit (a late
  "failed", "expired" or "pending" after "paid" only joins the history);
- reverses a credited payment the gateway refunded or charged back (`_reverse`).
Every report joins the payment's history (`PaymentEvent`); every change of status writes its
audit entry, naming the gateway, in the same transaction.
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.actions import suspend_account
from smmpanel.accounts.models import Account
from smmpanel.affiliates.commissions import cancel_commission
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.money import quantize
from smmpanel.payments.crediting import credit, given_with
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import GatewayState, Report
from smmpanel.payments.models import Payment, PaymentEvent, PaymentStatus

FIELDS = ("status", "amount", "gateway_reference", "ledger_entry", "unrecovered")
# The audit log's name of each decision, as an operator's approval or rejection is named.
ACTIONS = {
    PaymentStatus.APPROVED: "payment.approve",
    PaymentStatus.REJECTED: "payment.reject",
    PaymentStatus.EXPIRED: "payment.expire",
    PaymentStatus.REVERSED: "payment.reverse",
}


def _find(gateway: str, report: Report) -> Payment:
    """The reported payment, locked; PaymentError(NO_SUCH_PAYMENT) when there is none of
    this gateway's."""
    payments = Payment.objects.select_for_update().filter(gateway=gateway)
    if report.payment_id is not None:
        found = payments.filter(pk=report.payment_id).first()
    elif report.gateway_reference:
        found = payments.filter(gateway_reference=report.gateway_reference).first()
    else:
        found = None
    if found is None:
        raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT)
    return found


def _check_money(payment: Payment, report: Report) -> None:
    """A report about money must name exactly what the panel asked the customer to pay."""
    expected = payment.gateway_amount if payment.gateway_amount is not None else payment.amount
    if report.amount is None or quantize(report.amount) != quantize(expected):
        raise PaymentError(PaymentErrorCode.AMOUNT_MISMATCH)
    if report.currency.upper() != (payment.currency or report.currency).upper():
        raise PaymentError(PaymentErrorCode.CURRENCY_MISMATCH)


def _event(payment: Payment, kind: str, report: Report | None, detail: str = "") -> None:
    state = report.state if report else ""
    words = " · ".join(part for part in (detail, report.detail if report else "") if part)
    PaymentEvent.objects.create(payment=payment, kind=kind, state=state, detail=words[:500])


def settle(*, gateway: str, report: Report, acting_user: Actor, source: str) -> Payment:
    """Apply one verified report (`source`: PaymentEvent.Kind.NOTIFICATION or CHECK) to its
    payment, once; see the module's docstring. Idempotent: the same report twice changes the
    payment once and adds a line to its history each time."""
    with transaction.atomic():
        payment = _find(gateway, report)
        if report.state in (GatewayState.PAID, GatewayState.REFUNDED):
            _check_money(payment, report)
        if report.gateway_reference and not payment.gateway_reference:
            payment.gateway_reference = report.gateway_reference[:255]
            try:
                with transaction.atomic():
                    payment.save(update_fields=["gateway_reference"])
            except IntegrityError:
                # Another payment already holds this transaction: it is not this one's.
                raise PaymentError(PaymentErrorCode.NO_SUCH_PAYMENT) from None
        _event(payment, source, report)
        before = snapshot(payment, FIELDS)
        status = payment.status
        if report.state == GatewayState.PAID and status in (
            PaymentStatus.PENDING,
            PaymentStatus.EXPIRED,
        ):
            _credit(payment)
        elif report.state == GatewayState.FAILED and status == PaymentStatus.PENDING:
            _close(payment, PaymentStatus.REJECTED, PaymentEvent.Kind.REJECTED)
        elif report.state == GatewayState.EXPIRED and status == PaymentStatus.PENDING:
            _close(payment, PaymentStatus.EXPIRED, PaymentEvent.Kind.EXPIRED)
        elif report.state == GatewayState.REFUNDED:
            if status == PaymentStatus.APPROVED:
                _reverse(payment, acting_user)
            elif status == PaymentStatus.PENDING:
                _close(payment, PaymentStatus.REJECTED, PaymentEvent.Kind.REJECTED)
        if payment.status != status:
            record(
                acting_user,
                ACTIONS[PaymentStatus(payment.status)],
                obj=payment,
                summary=report.detail,
                before=before,
                after=snapshot(payment, FIELDS),
            )
    return payment


def _credit(payment: Payment) -> None:
    # The payments list shows one reference: the customer's, else the gateway's transaction.
    payment.reference = payment.reference or payment.gateway_reference
    credit(payment)


def _close(payment: Payment, status: PaymentStatus, kind: str) -> None:
    payment.status = status
    payment.decided_at = timezone.now()
    payment.next_attempt_at = None
    payment.save()
    _event(payment, kind, None)


def _reverse(payment: Payment, acting_user: Actor) -> None:
    """A credited payment refunded or charged back at the gateway: take back what is left of
    it, with the bonuses it brought, on the balance (never below zero: the balance constraint
    holds); what was spent already stays as the payment's `unrecovered` debt, and the account
    is suspended until an operator looks (a chargeback after spending is the classic fraud).
    The referrer's commission on it is canceled (`affiliates.commissions.cancel_commission`)."""
    account = Account.objects.select_for_update().get(pk=payment.account_id)
    given = given_with(payment)
    taken = min(account.balance, given)
    if taken > 0:
        ledger.adjust(
            account=account, amount=-taken, reason=f"Payment {payment.pk} reversed at the gateway"
        )
    payment.unrecovered = given - taken
    payment.status = PaymentStatus.REVERSED
    payment.next_attempt_at = None
    payment.save()
    _event(payment, PaymentEvent.Kind.REVERSED, None, f"taken back {taken}")
    if payment.ledger_entry_id is not None:
        cancel_commission(
            deposit_entry_id=payment.ledger_entry_id,
            reason=f"Payment {payment.pk} reversed at the gateway",
            acting_user=acting_user,
        )
    if payment.unrecovered > Decimal(0) and account.status == Account.Status.ACTIVE:
        suspend_account(account_id=account.pk, acting_user=acting_user)


def expire(*, payment_id: int, acting_user: Actor) -> Payment:
    """Close a gateway payment nobody paid in time ("payment.expired"); a payment decided in
    the meantime is left as it is. A payment that is paid after all is still credited when
    the gateway reports it (`settle` credits an expired payment)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status != PaymentStatus.PENDING:
            return payment
        before = snapshot(payment, FIELDS)
        _close(payment, PaymentStatus.EXPIRED, PaymentEvent.Kind.EXPIRED)
        record(
            acting_user,
            ACTIONS[PaymentStatus.EXPIRED],
            obj=payment,
            before=before,
            after=snapshot(payment, FIELDS),
        )
    return payment
