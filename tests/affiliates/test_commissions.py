"""Commissions: a share of each deposit of a referred customer (never of bonuses or coupons),
made with the credit, pending through the chargeback window, canceled by a reversal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.accounts.actions import adjust_balance, deposit_funds
from smmpanel.accounts.models import Account
from smmpanel.affiliates.commissions import cancel_commission
from smmpanel.affiliates.figures import figures_of
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Commission, Payout, Referral
from smmpanel.affiliates.payouts import request_payout, set_percent
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.configuration.operations import update_settings
from smmpanel.payments.bonuses import save_bonus
from smmpanel.payments.coupons import create_coupon
from smmpanel.payments.gateway import GatewayState, Report
from smmpanel.payments.models import PaymentMethod
from smmpanel.payments.operations import approve_payment, create_payment
from smmpanel.payments.settlement import settle
from tests.factories import make_account

pytestmark = pytest.mark.django_db
OPERATOR = Actor(name="olga")
GATEWAY = Actor(name="gateway:sandbox")


def referred_pair() -> tuple[Account, Account]:
    """A referrer and a customer tied to them."""
    referrer, _ = make_account()
    customer, _ = make_account()
    Referral.objects.create(
        affiliate=affiliate_for(referrer), referred=customer, status=Referral.Status.TIED
    )
    return referrer, customer


def pay_by_gateway(customer: Account, amount: str, **extra) -> Report:
    card = PaymentMethod.objects.get_or_create(name="Card", gateway="sandbox")[0]
    payment = create_payment(account=customer, method=card, amount=Decimal(amount), **extra)
    paid = Report(
        state=GatewayState.PAID,
        payment_id=payment.pk,
        amount=payment.gateway_amount,
        currency=payment.currency,
    )
    for _ in range(2):  # a notification repeated credits once, earns once
        settle(gateway="sandbox", report=paid, acting_user=GATEWAY, source="notification")
    return paid


def test_a_deposit_earns_one_pending_commission_on_the_deposit_alone(settings):
    settings.PAYMENT_SANDBOX = True
    update_settings(acting_user=OPERATOR, affiliate_percent=Decimal("7.5"), affiliate_hold_days=10)
    save_bonus(bonus_id=None, min_amount=Decimal(10), percent=Decimal(10), acting_user=OPERATOR)
    create_coupon(code="PLUS5", percent=Decimal(5), acting_user=OPERATOR)
    referrer, customer = referred_pair()
    pay_by_gateway(customer, "33.33", coupon_code="PLUS5")
    kinds = sorted(customer.ledger.values_list("kind", "amount"))
    assert kinds == [
        ("bonus", Decimal("1.66650")),
        ("bonus", Decimal("3.33300")),
        ("deposit", Decimal("33.33000")),
    ]
    commission = Commission.objects.get()
    # 7.5 % of 33.33 = 2.49975, of the deposit only (not of its 10 % bonus nor its coupon).
    assert commission.amount == Decimal("2.49975") and commission.base == Decimal("33.33")
    assert commission.affiliate_id == referrer.pk
    assert commission.state(timezone.now()) == Commission.Status.PENDING
    assert abs(commission.available_at - commission.created_at - timedelta(days=10)) < timedelta(
        seconds=5
    )
    figures = figures_of(affiliate_for(referrer))
    assert figures.conversions == 1 and figures.pending == Decimal("2.49975")
    assert figures.available == 0
    # After the window it is available, by date.
    later = timezone.now() + timedelta(days=10, seconds=1)
    assert commission.state(later) == Commission.Status.AVAILABLE
    Commission.objects.update(available_at=timezone.now())
    assert figures_of(affiliate_for(referrer)).available == Decimal("2.49975")


def test_the_affiliates_own_percent_wins_and_rounds_down():
    referrer, customer = referred_pair()
    set_percent(account_id=referrer.pk, percent=Decimal("3"), acting_user=OPERATOR)
    set_percent(account_id=referrer.pk, percent=Decimal("3.00"), acting_user=OPERATOR)  # no change
    assert AuditEntry.objects.filter(action="affiliate.percent").count() == 1
    bank = PaymentMethod.objects.create(name="Bank", gateway="manual")
    payment = create_payment(
        account=customer, method=bank, amount=Decimal("1.99999"), reference="T"
    )
    approve_payment(payment_id=payment.pk, acting_user=OPERATOR)
    assert Commission.objects.get().amount == Decimal("0.05999")  # 0.0599997 rounded down


def test_an_operators_deposit_earns_and_an_adjustment_does_not():
    referrer, customer = referred_pair()
    deposit_funds(account_id=customer.pk, amount=Decimal("100"), acting_user=OPERATOR)
    adjust_balance(
        account_id=customer.pk, amount=Decimal("50"), reason="goodwill", acting_user=OPERATOR
    )
    assert list(Commission.objects.values_list("amount", flat=True)) == [Decimal("5.00000")]


def test_no_commission_without_a_tied_referral():
    referrer, _ = make_account()
    customer, _ = make_account()
    Referral.objects.create(
        affiliate=affiliate_for(referrer),
        referred=customer,
        status=Referral.Status.REFUSED,
        refusal=Referral.Refusal.SAME_DEVICE,
    )
    deposit_funds(account_id=customer.pk, amount=Decimal("100"), acting_user=OPERATOR)
    deposit_funds(account_id=referrer.pk, amount=Decimal("100"), acting_user=OPERATOR)
    assert not Commission.objects.exists()


def test_a_reversed_deposit_cancels_its_pending_commission(settings):
    settings.PAYMENT_SANDBOX = True
    referrer, customer = referred_pair()
    paid = pay_by_gateway(customer, "40")
    refunded = Report(**{**paid.__dict__, "state": GatewayState.REFUNDED})
    settle(gateway="sandbox", report=refunded, acting_user=GATEWAY, source="notification")
    commission = Commission.objects.get()
    assert commission.status == Commission.Status.CANCELED
    entry = AuditEntry.objects.get(action="affiliate.commission_cancel")
    assert entry.before["status"] == "pending" and entry.after["status"] == "canceled"
    assert entry.actor_name == "gateway:sandbox"
    assert figures_of(affiliate_for(referrer)).pending == 0


def test_a_reversal_takes_a_commission_out_of_its_payout_request():
    update_settings(acting_user=OPERATOR, affiliate_min_payout=Decimal("1"))
    referrer, customer = referred_pair()
    first = deposit_funds(account_id=customer.pk, amount=Decimal("100"), acting_user=OPERATOR)
    deposit_funds(account_id=customer.pk, amount=Decimal("60"), acting_user=OPERATOR)
    Commission.objects.update(available_at=timezone.now())
    payout = request_payout(account_id=referrer.pk, details="wallet", acting_user=OPERATOR)
    assert payout.amount == Decimal("8")
    cancel_commission(deposit_entry_id=first.pk, reason="refunded", acting_user=OPERATOR)
    payout.refresh_from_db()
    assert payout.amount == Decimal("3") and payout.status == Payout.Status.REQUESTED


def test_a_reversal_after_payout_leaves_the_paid_commission_noted():
    update_settings(acting_user=OPERATOR, affiliate_min_payout=Decimal("1"))
    referrer, customer = referred_pair()
    entry = deposit_funds(account_id=customer.pk, amount=Decimal("100"), acting_user=OPERATOR)
    Commission.objects.update(available_at=timezone.now())
    from smmpanel.affiliates.payouts import pay_to_balance

    pay_to_balance(account_id=referrer.pk, acting_user=OPERATOR)
    commission = cancel_commission(
        deposit_entry_id=entry.pk, reason="refunded", acting_user=OPERATOR
    )
    assert commission is not None and commission.status == Commission.Status.PAID
    assert commission.note.startswith("Deposit reversed after payout")
    assert AuditEntry.objects.filter(action="affiliate.commission_reversed_after_payout").exists()
