"""What a gateway's report does to a payment and the ledger: credited once, never undone by a
later report, refused when it does not match, reversed on a chargeback without a negative
balance."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.ledger import audit, ledger_total
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.payments import sandbox
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import GatewayState, Report
from smmpanel.payments.models import Payment, PaymentEvent, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment
from smmpanel.payments.settlement import settle
from smmpanel.worker.loop import run_once
from tests.factories import make_account

GATEWAY = Actor(name="gateway:sandbox")


@pytest.fixture
def card(db, settings) -> PaymentMethod:
    settings.PAYMENT_SANDBOX = True
    return PaymentMethod.objects.create(name="Card (sandbox)", gateway="sandbox")


def report(payment: Payment, state: GatewayState, **overrides) -> Report:
    values = {
        "state": state,
        "payment_id": payment.pk,
        "gateway_reference": f"tx-{payment.pk}",
        "amount": payment.gateway_amount,
        "currency": payment.currency,
    }
    return Report(**{**values, **overrides})


def apply(payment: Payment, state: GatewayState, **overrides) -> Payment:
    return settle(
        gateway="sandbox",
        report=report(payment, state, **overrides),
        acting_user=GATEWAY,
        source=PaymentEvent.Kind.NOTIFICATION,
    )


def new_payment(method: PaymentMethod, balance: str = "0", amount: str = "10") -> Payment:
    account, _ = make_account(balance)
    return create_payment(account=account, method=method, amount=Decimal(amount))


def balance(payment: Payment) -> Decimal:
    return Account.objects.get(pk=payment.account_id).balance


def test_paid_credits_once_and_a_replay_only_joins_the_history(card):
    payment = new_payment(card)
    assert apply(payment, GatewayState.PAID).status == PaymentStatus.APPROVED
    assert apply(payment, GatewayState.PAID).status == PaymentStatus.APPROVED
    assert balance(payment) == Decimal("10")
    kinds = list(payment.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "notification", "credited", "notification"]
    entry = AuditEntry.objects.get(action="payment.approve")
    assert entry.actor_name == "gateway:sandbox"
    assert entry.before["status"] == "pending" and entry.after["status"] == "approved"
    assert audit() == []


@pytest.mark.parametrize("late", [GatewayState.PENDING, GatewayState.FAILED, GatewayState.EXPIRED])
def test_a_late_report_never_undoes_a_credit(card, late):
    payment = new_payment(card)
    apply(payment, GatewayState.PAID)
    assert apply(payment, late).status == PaymentStatus.APPROVED
    assert balance(payment) == Decimal("10")
    assert AuditEntry.objects.filter(object_id=str(payment.pk)).count() == 1


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"amount": Decimal("10.01")}, PaymentErrorCode.AMOUNT_MISMATCH),
        ({"amount": None}, PaymentErrorCode.AMOUNT_MISMATCH),
        ({"currency": "EUR"}, PaymentErrorCode.CURRENCY_MISMATCH),
        ({"payment_id": 999999}, PaymentErrorCode.NO_SUCH_PAYMENT),
        ({"payment_id": None, "gateway_reference": "unknown"}, PaymentErrorCode.NO_SUCH_PAYMENT),
    ],
)
def test_a_report_that_does_not_match_is_refused_and_changes_nothing(card, overrides, code):
    payment = new_payment(card)
    with pytest.raises(PaymentError) as refused:
        apply(payment, GatewayState.PAID, **overrides)
    assert refused.value.code == code
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert balance(payment) == 0
    assert list(payment.events.values_list("kind", flat=True)) == ["created"]


def test_a_gateway_transaction_is_credited_to_one_payment_only(card):
    first, second = new_payment(card), new_payment(card)
    apply(first, GatewayState.PAID, gateway_reference="tx-same")
    with pytest.raises(PaymentError) as refused:
        apply(second, GatewayState.PAID, gateway_reference="tx-same")
    assert refused.value.code == PaymentErrorCode.NO_SUCH_PAYMENT
    assert (balance(first), balance(second)) == (Decimal("10"), 0)


def test_a_payment_found_by_the_gateways_reference(card):
    payment = new_payment(card)
    apply(payment, GatewayState.PENDING)  # the gateway's id is kept from the first report
    found = apply(payment, GatewayState.PAID, payment_id=None)
    assert found.pk == payment.pk and found.status == PaymentStatus.APPROVED


def test_failed_and_expired_close_a_waiting_payment(card):
    failed, expired = new_payment(card), new_payment(card)
    assert apply(failed, GatewayState.FAILED).status == PaymentStatus.REJECTED
    assert apply(expired, GatewayState.EXPIRED).status == PaymentStatus.EXPIRED
    assert {e.action for e in AuditEntry.objects.all()} == {"payment.reject", "payment.expire"}


def test_a_chargeback_takes_back_the_whole_amount_when_it_is_still_there(card):
    payment = new_payment(card, balance="5")
    apply(payment, GatewayState.PAID)
    reversed_ = apply(payment, GatewayState.REFUNDED)
    assert reversed_.status == PaymentStatus.REVERSED and reversed_.unrecovered == 0
    assert balance(payment) == Decimal("5")
    assert Account.objects.get(pk=payment.account_id).status == Account.Status.ACTIVE
    assert audit() == []


def test_a_chargeback_of_spent_money_leaves_a_debt_and_suspends_never_below_zero(card):
    payment = new_payment(card, amount="10")
    apply(payment, GatewayState.PAID)
    account = Account.objects.get(pk=payment.account_id)

    ledger.adjust(account=account, amount=Decimal("-7"), reason="spent on orders")
    reversed_ = apply(payment, GatewayState.REFUNDED)
    assert reversed_.unrecovered == Decimal("7")
    account.refresh_from_db()
    assert account.balance == 0 == ledger_total(account)
    assert account.status == Account.Status.SUSPENDED
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"payment.reverse", "account.suspend"} <= actions
    # A second chargeback notification changes nothing more.
    assert apply(payment, GatewayState.REFUNDED).unrecovered == Decimal("7")
    assert audit() == []


def test_an_abandoned_payment_expires_and_is_still_credited_when_paid_late(card):
    payment = new_payment(card)
    assert payment.expires_at is not None
    run_once(now=payment.expires_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    assert AuditEntry.objects.get(action="payment.expire").actor_name == "system"
    assert apply(payment, GatewayState.PAID).status == PaymentStatus.APPROVED
    assert balance(payment) == Decimal("10")


def test_a_waiting_payment_is_left_alone_before_it_expires(card):
    payment = new_payment(card)
    run_once(now=timezone.now() + timedelta(hours=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_copies_of_a_notification_credit_once(panel_server, settings):
    settings.PAYMENT_SANDBOX = True
    method = PaymentMethod.objects.create(name="Card (sandbox)", gateway="sandbox")
    payment = new_payment(method)
    amount = sandbox.plain_amount(payment)
    data = {
        "payment": payment.pk,
        "amount": amount,
        "outcome": "paid",
        "signature": sandbox.sign(payment.pk, amount, "paid"),
    }
    url = f"{panel_server.url}/payments/callback/sandbox/{method.pk}/"

    def notify(_: int) -> int:
        with httpx.Client(timeout=60) as client:
            return client.post(url, data=data).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(notify, range(20)))
    assert statuses == [200] * 20
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert balance(payment) == Decimal("10")
    assert payment.account.ledger.count() == 1
    assert audit() == []
