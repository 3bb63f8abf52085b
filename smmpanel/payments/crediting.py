"""The one way a payment becomes money on a balance, for an operator's approval and a gateway's
"paid" alike: its deposit, the bonus of the tier it reaches, and its coupon's percent, each a
ledger entry tied to the payment so that none can be given twice; and the commission of the
affiliate who referred the customer, on the deposit alone."""

from decimal import Decimal

from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.affiliates.commissions import earn_commission
from smmpanel.notifications.outbox import PAYMENT_CREDITED, notify_customer
from smmpanel.payments.bonuses import give_bonus
from smmpanel.payments.coupons import redeem_with_payment
from smmpanel.payments.models import Payment, PaymentEvent, PaymentStatus


def credit(payment: Payment, *, detail: str = "") -> None:
    """Inside the caller's transaction, with the payment's row locked and waiting (or expired):
    deposit it, give its bonuses, mark it approved and note it in its history."""
    entry = ledger.deposit(
        account=Account(pk=payment.account_id),
        amount=payment.amount,
        reason=f"Payment {payment.pk}: {payment.method.name}",
    )
    # The referrer's share of the deposit alone (the bonuses below earn none), committed with it.
    earn_commission(entry)
    payment.status = PaymentStatus.APPROVED
    payment.ledger_entry = entry
    payment.decided_at = timezone.now()
    payment.next_attempt_at = None
    extra = give_bonus(payment) + redeem_with_payment(payment)
    payment.save()
    words = [str(payment.amount)] + ([f"bonus {extra}"] if extra else []) + [detail]
    PaymentEvent.objects.create(
        payment=payment,
        kind=PaymentEvent.Kind.CREDITED,
        detail=" · ".join(word for word in words if word)[:500],
    )
    notify_customer(
        account=Account(pk=payment.account_id),
        kind=PAYMENT_CREDITED,
        params={"payment": payment.pk, "amount": str(payment.amount + extra)},
    )


def given_with(payment: Payment) -> Decimal:
    """What the panel credited for the payment: its amount and the bonuses that came with it."""
    total = payment.amount
    if payment.bonus_entry_id is not None:
        total += payment.bonus_entry.amount  # type: ignore[union-attr]
    redemption = getattr(payment, "redemption", None)
    if redemption is not None:
        total += redemption.ledger_entry.amount
    return total
