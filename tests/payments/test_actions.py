"""The operator's payment decisions and payment-method changes, called directly: each writes its
own audit entry in its own transaction, and none when nothing changes or it is refused."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.payments import methods
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.models import PaymentMethod, PaymentStatus
from smmpanel.payments.operations import approve_payment, create_payment, reject_payment
from tests.factories import make_account
from tests.payments.test_gateways import notify

pytestmark = pytest.mark.django_db

BANK = {
    "name": " Bank BCA ",
    "gateway": "manual",
    "instructions": "BCA 123",
    "min_amount": Decimal("10"),
    "max_amount": Decimal("500"),
    "active": True,
}


@pytest.fixture
def operator() -> Actor:
    user = get_user_model().objects.create_user("olga", is_staff=True)
    return Actor(user=user, name="olga", ip="203.0.113.9")


@pytest.fixture
def waiting(db):
    account, _ = make_account(username="payer")
    bank = PaymentMethod.objects.create(name="Bank", gateway="manual")
    return create_payment(account=account, method=bank, amount=Decimal("25"), reference="TX-1")


def entries() -> list[tuple[str, str, dict | None, dict | None]]:
    return list(
        AuditEntry.objects.order_by("pk").values_list("actor_name", "action", "before", "after")
    )


def test_approve_payment_records_the_deposit_and_who_decided(operator, waiting):
    payment = approve_payment(payment_id=waiting.pk, acting_user=operator, note=" seen in bank ")
    assert payment.decided_by == operator.user
    ((actor, action, before, after),) = entries()
    assert (actor, action) == ("olga", "payment.approve")
    assert before == {
        "status": "pending",
        "amount": "25.00000",
        "reference": "TX-1",
        "note": "",
        "message": "",
        "ledger_entry": None,
    }
    assert after == {
        **before,
        "status": "approved",
        "note": "seen in bank",
        "ledger_entry": payment.ledger_entry_id,
    }
    entry = AuditEntry.objects.get()
    assert (entry.summary, entry.object_id, entry.ip) == (
        "seen in bank",
        str(payment.pk),
        "203.0.113.9",
    )


def test_reject_payment_records_the_decision_and_moves_no_money(operator, waiting):
    payment = reject_payment(
        payment_id=waiting.pk, acting_user=operator, note="no transfer", message="Sorry"
    )
    assert payment.ledger_entry is None
    ((actor, action, before, after),) = entries()
    assert (actor, action) == ("olga", "payment.reject")
    assert (before["status"], after["status"]) == ("pending", "rejected")
    assert (after["note"], after["message"]) == ("no transfer", "Sorry")


def test_a_second_decision_is_refused_and_writes_no_entry(operator, waiting):
    approve_payment(payment_id=waiting.pk, acting_user=operator)
    for decide in (approve_payment, reject_payment):
        with pytest.raises(PaymentError) as refused:
            decide(payment_id=waiting.pk, acting_user=operator)
        assert refused.value.code == PaymentErrorCode.ALREADY_DECIDED
    assert [entry[1] for entry in entries()] == ["payment.approve"]


def test_a_gateway_notification_is_recorded_in_the_gateways_name(settings):
    settings.PAYMENT_SANDBOX = True
    card = PaymentMethod.objects.create(name="Card (sandbox)", gateway="sandbox")
    account, _ = make_account()
    payment = create_payment(account=account, method=card, amount=Decimal("12.5"))
    notify(payment)
    notify(payment)  # a replay: no second entry
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_name, entry.action) == (
        None,
        "gateway:sandbox",
        "payment.approve",
    )
    assert entry.after["status"] == PaymentStatus.APPROVED


def test_save_method_records_a_creation_and_an_edit_never_a_no_change(operator):
    method = methods.save_method(method_id=None, values=BANK, acting_user=operator)
    assert method.name == "Bank BCA"
    methods.save_method(method_id=method.pk, values=BANK, acting_user=operator)  # the same
    methods.save_method(
        method_id=method.pk, values={**BANK, "max_amount": None}, acting_user=operator
    )
    (created, edited) = entries()
    assert created[:3] == ("olga", "payment_method.create", None)
    assert created[3]["name"] == "Bank BCA" and created[3]["max_amount"] == "500.00000"
    assert edited[1] == "payment_method.edit"
    assert (edited[2]["max_amount"], edited[3]["max_amount"]) == ("500.00000", None)


def test_save_method_refuses_broken_rules_and_writes_nothing(operator):
    with pytest.raises(PaymentError):
        methods.save_method(
            method_id=None, values={**BANK, "max_amount": Decimal("5")}, acting_user=operator
        )
    assert not PaymentMethod.objects.exists() and not entries()


def test_set_method_active_records_a_change_and_nothing_when_it_already_is(operator):
    method = PaymentMethod.objects.create(name="Bank", gateway="manual")
    assert (
        methods.set_method_active(method_id=method.pk, active=True, acting_user=operator) is False
    )
    assert methods.set_method_active(method_id=method.pk, active=False, acting_user=operator)
    assert methods.set_method_active(method_id=method.pk, active=True, acting_user=operator)
    assert entries() == [
        ("olga", "payment_method.disable", {"active": True}, {"active": False}),
        ("olga", "payment_method.enable", {"active": False}, {"active": True}),
    ]


def test_move_method_records_the_place_and_nothing_at_either_end(operator):
    first = PaymentMethod.objects.create(name="A", gateway="manual", sort_order=10)
    second = PaymentMethod.objects.create(name="B", gateway="manual", sort_order=20)
    assert methods.move_method(method_id=first.pk, step=-1, acting_user=operator) is False
    assert methods.move_method(method_id=second.pk, step=+1, acting_user=operator) is False
    assert methods.move_method(method_id=second.pk, step=-1, acting_user=operator)
    assert entries() == [("olga", "payment_method.move", {"sort_order": 20}, {"sort_order": 10})]
    first.refresh_from_db()
    assert first.sort_order == 20
