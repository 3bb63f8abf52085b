"""Payments: created by customers, approved once into the ledger, rejected without money."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from smmpanel.accounts.ledger import ledger_total
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import approve_payment, create_payment, reject_payment
from tests.factories import make_account


@pytest.fixture
def bank(db) -> PaymentMethod:
    return PaymentMethod.objects.create(
        name="Bank transfer", gateway="manual", min_amount=5, max_amount=1000
    )


def test_a_manual_payment_needs_a_reference_and_an_amount_in_range(bank):
    account, _ = make_account()
    with pytest.raises(PaymentError) as refused:
        create_payment(account=account, method=bank, amount=Decimal("10"))
    assert refused.value.code == PaymentErrorCode.REFERENCE_REQUIRED
    with pytest.raises(PaymentError) as refused:
        create_payment(account=account, method=bank, amount=Decimal("4.99"), reference="x")
    assert refused.value.message == "The minimum amount is 5.00 USD"
    with pytest.raises(PaymentError) as refused:
        create_payment(account=account, method=bank, amount=Decimal("1000.01"), reference="x")
    assert refused.value.code == PaymentErrorCode.AMOUNT_TOO_LARGE
    assert not Payment.objects.exists()


def test_approval_deposits_exactly_once(bank):
    account, _ = make_account()
    payment = create_payment(account=account, method=bank, amount=Decimal("25"), reference="TRX1")
    account.refresh_from_db()
    assert account.balance == 0
    approve_payment(payment_id=payment.pk, acting_user=Actor.system())
    with pytest.raises(PaymentError) as again:
        approve_payment(payment_id=payment.pk, acting_user=Actor.system())
    assert again.value.code == PaymentErrorCode.ALREADY_DECIDED
    with pytest.raises(PaymentError):
        reject_payment(payment_id=payment.pk, acting_user=Actor.system())
    account.refresh_from_db()
    assert account.balance == Decimal("25") == ledger_total(account)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.ledger_entry.kind == LedgerEntry.Kind.DEPOSIT
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_rejection_moves_no_money(bank):
    account, _ = make_account()
    payment = create_payment(account=account, method=bank, amount=Decimal("25"), reference="x")
    reject_payment(payment_id=payment.pk, acting_user=Actor.system(), note="Not on the statement")
    with pytest.raises(PaymentError):
        approve_payment(payment_id=payment.pk, acting_user=Actor.system())
    account.refresh_from_db()
    assert account.balance == 0 and not LedgerEntry.objects.exists()


def test_the_database_refuses_an_approved_payment_without_deposit(bank):
    account, _ = make_account()
    payment = create_payment(account=account, method=bank, amount=Decimal("25"), reference="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.APPROVED)


def test_too_many_waiting_payments_are_refused(bank):
    account, _ = make_account()
    for n in range(5):
        create_payment(account=account, method=bank, amount=Decimal("10"), reference=str(n))
    with pytest.raises(PaymentError) as refused:
        create_payment(account=account, method=bank, amount=Decimal("10"), reference="6")
    assert refused.value.code == PaymentErrorCode.TOO_MANY_PENDING


def test_an_inactive_method_or_a_disabled_gateway_is_unavailable(bank, settings):
    account, _ = make_account()
    bank.active = False
    with pytest.raises(PaymentError):
        create_payment(account=account, method=bank, amount=Decimal("10"), reference="x")
    settings.PAYMENT_SANDBOX = False
    sandbox = PaymentMethod.objects.create(name="Card", gateway="sandbox")
    with pytest.raises(PaymentError) as refused:
        create_payment(account=account, method=sandbox, amount=Decimal("10"))
    assert refused.value.code == PaymentErrorCode.METHOD_UNAVAILABLE


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_deposit_once():
    bank = PaymentMethod.objects.create(name="Bank", gateway="manual")
    account, _ = make_account()
    payment = create_payment(account=account, method=bank, amount=Decimal("30"), reference="x")
    outcomes: list[str] = []

    def approve() -> None:
        try:
            approve_payment(payment_id=payment.pk, acting_user=Actor.system())
            outcomes.append("approved")
        except PaymentError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_decided"] * 3 + ["approved"]
    account.refresh_from_db()
    assert account.balance == Decimal("30") == ledger_total(account)
