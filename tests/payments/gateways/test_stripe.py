"""Stripe against a fake of its documented API: a Checkout Session opened as documented, its
signed events credited once, refused when forged or not matching, a lost event recovered by the
worker, refunds and disputes reversed without a negative balance."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts import ledger
from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateways.stripe import major_units, minor_units
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.base import Reply
from tests.payments.fakes.stripe import FakeStripe


@pytest.fixture
def stripe():
    with FakeStripe() as fake:
        yield fake


@pytest.fixture
def method(db, stripe) -> PaymentMethod:
    return make_method(
        "stripe",
        credentials={
            "secret_key": stripe.SECRET_KEY,
            "webhook_secret": stripe.WEBHOOK_SECRET,
            "api_url": stripe.url,
        },
    )


def started(method: PaymentMethod, amount: str = "10") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def post(method: PaymentMethod, body: bytes, signature: str | None):
    headers = {} if signature is None else {"HTTP_STRIPE_SIGNATURE": signature}
    return Client().post(
        f"/payments/callback/stripe/{method.pk}/",
        data=body,
        content_type="application/json",
        **headers,
    )


def notify(stripe: FakeStripe, method: PaymentMethod, kind: str, obj: dict):
    return post(method, *stripe.signed(stripe.event(kind, obj)))


def state(payment: Payment) -> tuple[str, Decimal]:
    payment.refresh_from_db()
    return payment.status, Account.objects.get(pk=payment.account_id).balance


def test_a_checkout_session_is_created_as_documented(stripe, method):
    payment = started(method, "12.34")
    [request] = stripe.requests
    assert (request.method, request.path) == ("POST", "/v1/checkout/sessions")
    assert request.header("Authorization") == f"Bearer {stripe.SECRET_KEY}"
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    form = request.form()
    assert form["mode"] == "payment"
    assert form["line_items[0][price_data][currency]"] == "usd"
    assert form["line_items[0][price_data][unit_amount]"] == "1234"
    assert form["line_items[0][price_data][product_data][name]"] == (
        f"Add funds: payment {payment.pk}"
    )
    assert form["line_items[0][quantity]"] == "1"
    assert form["client_reference_id"] == str(payment.pk)
    assert form["metadata[payment_id]"] == str(payment.pk)
    assert form["payment_intent_data[metadata][payment_id]"] == str(payment.pk)
    assert form["success_url"] == f"http://testserver/funds/payments/{payment.pk}/"
    assert form["cancel_url"] == "http://testserver/funds/"
    # The session closes with the payment, within the 24 hours Stripe allows.
    assert 0 <= payment.expires_at.timestamp() - int(form["expires_at"]) <= 61
    session = stripe.sessions[payment.gateway_reference]
    assert payment.checkout_url == session["url"]
    assert payment.status == PaymentStatus.PENDING


def test_amounts_in_stripes_minor_units():
    assert minor_units(Decimal("12.34"), "USD") == 1234
    assert minor_units(Decimal("1500"), "JPY") == 1500
    assert minor_units(Decimal("25000"), "VND") == 25000
    assert minor_units(Decimal("150000"), "IDR") == 15000000  # two decimals at Stripe
    assert minor_units(Decimal("5.12"), "KWD") == 5120
    with pytest.raises(ValueError):
        minor_units(Decimal("10.5"), "JPY")
    assert major_units(1234, "usd") == Decimal("12.34")
    assert major_units(500, "JPY") == Decimal(500)
    assert major_units("1234", "USD") is None


def test_a_zero_decimal_currency_is_charged_and_credited_in_whole_units(stripe, db):
    method = make_method(
        "stripe",
        credentials={
            "secret_key": stripe.SECRET_KEY,
            "webhook_secret": stripe.WEBHOOK_SECRET,
            "api_url": stripe.url,
        },
        currency="JPY",
        exchange_rate=Decimal(150),
    )
    payment = started(method, "10")
    assert stripe.requests[0].form()["line_items[0][price_data][unit_amount]"] == "1500"
    session = stripe.pay(payment.gateway_reference)
    assert notify(stripe, method, "checkout.session.completed", session).status_code == 200
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))


def test_a_signed_completed_event_credits_once_and_a_replay_changes_nothing(stripe, method):
    payment = started(method)
    session = stripe.pay(payment.gateway_reference)
    body, signature = stripe.signed(stripe.event("checkout.session.completed", session))
    reply = post(method, body, signature)
    assert (reply.status_code, reply.content) == (200, b"")
    assert post(method, body, signature).status_code == 200  # Stripe delivers it again
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert payment.reference == payment.gateway_reference
    entry = AuditEntry.objects.get(action="payment.approve")
    assert entry.actor_name == "gateway:stripe"
    assert (entry.before["status"], entry.after["status"]) == ("pending", "approved")
    assert Account.objects.get(pk=payment.account_id).ledger.count() == 1
    assert audit() == []


def test_a_forged_or_altered_event_is_refused_and_changes_nothing(stripe, method):
    payment = started(method)
    session = stripe.pay(payment.gateway_reference)
    body, signature = stripe.signed(stripe.event("checkout.session.completed", session))
    _, other_secret = stripe.signed(
        stripe.event("checkout.session.completed", session), secret="whsec_not_ours"
    )
    stamp = signature.split(",")[0]
    stale = stripe.signed(
        stripe.event("checkout.session.completed", session), timestamp=int(time.time()) - 3600
    )
    refused = [
        post(method, body, None),
        post(method, body, f"{stamp},v1={'0' * 64}"),
        post(method, body, other_secret),
        post(method, body.replace(b'"amount_total": 1000', b'"amount_total": 100000'), signature),
        post(method, body, signature.replace("v1=", "v0=")),
        post(method, *stale),  # a captured event replayed after the tolerance
    ]
    assert [reply.status_code for reply in refused] == [403] * 6
    assert state(payment) == (PaymentStatus.PENDING, 0)
    assert list(payment.events.values_list("kind", flat=True)) == ["created"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount_total": 999}, PaymentErrorCode.AMOUNT_MISMATCH),
        ({"currency": "eur"}, PaymentErrorCode.CURRENCY_MISMATCH),
        (
            {"id": "cs_test_unknown", "client_reference_id": "999999", "metadata": {}},
            PaymentErrorCode.NO_SUCH_PAYMENT,
        ),
        (
            {"id": "cs_test_unknown", "client_reference_id": None, "metadata": {}},
            PaymentErrorCode.NO_SUCH_PAYMENT,
        ),
    ],
)
def test_a_genuine_event_that_does_not_match_is_refused(stripe, method, change, code):
    payment = started(method)
    session = {**stripe.pay(payment.gateway_reference), **change}
    reply = notify(stripe, method, "checkout.session.completed", session)
    assert reply.status_code == 400
    assert reply.content.decode() == PaymentError(code).message
    assert state(payment) == (PaymentStatus.PENDING, 0)


def test_late_pending_or_expired_events_never_undo_a_credit(stripe, method):
    payment = started(method)
    session = stripe.pay(payment.gateway_reference)
    assert notify(stripe, method, "checkout.session.completed", session).status_code == 200
    unpaid = {**session, "payment_status": "unpaid"}
    assert notify(stripe, method, "checkout.session.completed", unpaid).status_code == 200
    expired = {**session, "status": "expired", "payment_status": "unpaid"}
    assert notify(stripe, method, "checkout.session.expired", expired).status_code == 200
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    decisions = AuditEntry.objects.filter(action__startswith="payment.")
    assert [entry.action for entry in decisions] == ["payment.approve"]


def test_an_asynchronous_payment_is_credited_when_it_succeeds(stripe, method):
    payment = started(method)
    session = stripe.pay(payment.gateway_reference, settled=False)
    assert notify(stripe, method, "checkout.session.completed", session).status_code == 200
    assert state(payment) == (PaymentStatus.PENDING, 0)
    settled = stripe.settle(payment.gateway_reference)
    reply = notify(stripe, method, "checkout.session.async_payment_succeeded", settled)
    assert reply.status_code == 200
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))


def test_a_failed_asynchronous_payment_and_an_expired_session_close_the_payment(stripe, method):
    failed, expired = started(method), started(method)
    session = stripe.pay(failed.gateway_reference, settled=False)
    notify(stripe, method, "checkout.session.async_payment_failed", session)
    notify(stripe, method, "checkout.session.expired", stripe.expire(expired.gateway_reference))
    assert state(failed) == (PaymentStatus.REJECTED, 0)
    assert state(expired) == (PaymentStatus.EXPIRED, 0)


def test_an_event_the_panel_does_not_act_on_is_taken(stripe, method):
    reply = notify(stripe, method, "customer.created", {"id": "cus_1", "object": "customer"})
    assert reply.status_code == 200


def test_a_lost_event_is_recovered_by_the_worker_from_the_session(stripe, method):
    payment = started(method)
    stripe.pay(payment.gateway_reference)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert stripe.requests[-1].path == f"/v1/checkout/sessions/{payment.gateway_reference}"
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "system"
    assert audit() == []


def test_the_worker_expires_a_session_stripe_expired(stripe, method):
    payment = started(method)
    stripe.expire(payment.gateway_reference)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    assert state(payment) == (PaymentStatus.EXPIRED, 0)


def test_the_worker_keeps_waiting_while_the_session_is_open(stripe, method):
    payment = started(method)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.next_attempt_at is not None


def test_a_full_refund_reverses_the_payment_a_partial_one_only_joins_its_history(stripe, method):
    payment = started(method)
    session = stripe.pay(payment.gateway_reference)
    notify(stripe, method, "checkout.session.completed", session)
    partial = stripe.charge(payment.gateway_reference, refunded=400)
    assert notify(stripe, method, "charge.refunded", partial).status_code == 200
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert "4.00 USD of 10.00; not reversed" in payment.events.last().detail
    assert stripe.requests[-1].query == {
        "payment_intent": session["payment_intent"],
        "limit": "1",
    }
    full = stripe.charge(payment.gateway_reference, refunded=1000)
    assert notify(stripe, method, "charge.refunded", full).status_code == 200
    assert state(payment) == (PaymentStatus.REVERSED, 0)
    assert audit() == []


def test_a_dispute_of_spent_money_reverses_what_is_left_and_suspends(stripe, method):
    payment = started(method)
    notify(stripe, method, "checkout.session.completed", stripe.pay(payment.gateway_reference))
    account = Account.objects.get(pk=payment.account_id)
    ledger.adjust(account=account, amount=Decimal("-6"), reason="spent on orders")
    dispute = stripe.dispute(payment.gateway_reference)
    assert notify(stripe, method, "charge.dispute.created", dispute).status_code == 200
    assert state(payment) == (PaymentStatus.REVERSED, 0)
    assert payment.unrecovered == Decimal("6")
    account.refresh_from_db()
    assert account.status == Account.Status.SUSPENDED
    assert audit() == []


def test_a_refund_of_a_charge_the_panel_did_not_make_is_refused(stripe, method):
    charge = {
        "id": "ch_x",
        "object": "charge",
        "amount": 1000,
        "amount_refunded": 1000,
        "currency": "usd",
        "payment_intent": "pi_unknown",
        "refunded": True,
    }
    assert notify(stripe, method, "charge.refunded", charge).status_code == 400


def test_a_gateway_that_refuses_leaves_the_payment_rejected(stripe, method):
    stripe.refuse_with = Reply(500, {"error": {"type": "api_error", "message": "down"}})
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    with pytest.raises(PaymentError) as refused:
        start_payment(payment=payment)
    assert refused.value.code == PaymentErrorCode.GATEWAY_UNAVAILABLE
    assert state(payment) == (PaymentStatus.REJECTED, 0)
