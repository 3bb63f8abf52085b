"""PayPal against a fake of its documented API: an order created as documented, captured once
(on the approval webhook or by the worker), webhooks taken only when PayPal's verification API
says SUCCESS, refused when they do not match, refunds and reversals without a negative
balance."""

import base64
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.accounts import ledger
from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateways.paypal import value
from smmpanel.payments.models import Payment, PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from smmpanel.worker.loop import run_once
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.paypal import FakePayPal


@pytest.fixture
def paypal():
    with FakePayPal() as fake:
        yield fake


def credentials(paypal: FakePayPal, **changes: str) -> dict[str, str]:
    return {
        "client_id": paypal.CLIENT_ID,
        "client_secret": paypal.CLIENT_SECRET,
        "webhook_id": paypal.WEBHOOK_ID,
        "api_url": paypal.url,
        **changes,
    }


@pytest.fixture
def method(db, paypal) -> PaymentMethod:
    return make_method("paypal", credentials=credentials(paypal))


def started(method: PaymentMethod, amount: str = "10") -> Payment:
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    start_payment(payment=payment)
    payment.refresh_from_db()
    return payment


def post(method: PaymentMethod, body: bytes, headers: dict[str, str]):
    return Client().post(
        f"/payments/callback/paypal/{method.pk}/",
        data=body,
        content_type="application/json",
        **headers,
    )


def notify(paypal: FakePayPal, method: PaymentMethod, kind: str, resource: dict):
    return post(method, *paypal.signed(paypal.event(kind, resource)))


def state(payment: Payment) -> tuple[str, Decimal]:
    payment.refresh_from_db()
    return payment.status, Account.objects.get(pk=payment.account_id).balance


def paid(paypal: FakePayPal, method: PaymentMethod, payment: Payment) -> dict:
    """The buyer approves, PayPal says so, the panel captures: the capture."""
    order = paypal.approve(payment.gateway_reference)
    assert notify(paypal, method, "CHECKOUT.ORDER.APPROVED", order).status_code == 200
    return paypal.orders[payment.gateway_reference]["purchase_units"][0]["payments"]["captures"][0]


def test_an_order_is_created_as_documented(paypal, method):
    payment = started(method, "12.5")
    token, create = paypal.requests
    basic = base64.b64encode(f"{paypal.CLIENT_ID}:{paypal.CLIENT_SECRET}".encode()).decode()
    assert (token.method, token.path) == ("POST", "/v1/oauth2/token")
    assert token.header("Authorization") == f"Basic {basic}"
    assert token.form() == {"grant_type": "client_credentials"}
    assert (create.method, create.path) == ("POST", "/v2/checkout/orders")
    assert create.header("Authorization").startswith("Bearer A21AAfake")
    assert create.header("Content-Type") == "application/json"
    assert create.header("PayPal-Request-Id").startswith(f"smmpanel-order-{payment.pk}-")
    assert create.json() == {
        "intent": "CAPTURE",
        "purchase_units": [
            {
                "reference_id": str(payment.pk),
                "custom_id": str(payment.pk),
                "description": f"Add funds: payment {payment.pk}",
                "amount": {"currency_code": "USD", "value": "12.50"},
            }
        ],
        "payment_source": {
            "paypal": {
                "experience_context": {
                    "return_url": f"http://testserver/funds/payments/{payment.pk}/",
                    "cancel_url": "http://testserver/funds/",
                    "user_action": "PAY_NOW",
                    "shipping_preference": "NO_SHIPPING",
                }
            }
        },
    }
    assert payment.gateway_reference in paypal.orders
    assert payment.checkout_url == (
        f"https://www.paypal.com/checkoutnow?token={payment.gateway_reference}"
    )


def test_amount_values_as_paypal_writes_them():
    assert value(Decimal("12.5"), "USD") == "12.50"
    assert value(Decimal("1500"), "JPY") == "1500"
    assert value(Decimal("1500.00"), "HUF") == "1500"
    with pytest.raises(ValueError):
        value(Decimal("1500.5"), "TWD")
    with pytest.raises(ValueError):
        value(Decimal("1.005"), "EUR")


def test_a_currency_paypal_does_not_take_is_refused_for_a_method(paypal, db):
    with pytest.raises(PaymentError) as refused:
        make_method("paypal", credentials=credentials(paypal), currency="IDR")
    assert refused.value.code == PaymentErrorCode.UNSUPPORTED_CURRENCY


def test_the_approval_webhook_is_verified_then_the_order_captured_and_credited_once(paypal, method):
    payment = started(method)
    order = paypal.approve(payment.gateway_reference)
    event = paypal.event("CHECKOUT.ORDER.APPROVED", order)
    body, headers = paypal.signed(event)
    reply = post(method, body, headers)
    assert (reply.status_code, reply.content) == (200, b"")
    verify, capture = [r for r in paypal.requests if r.path != "/v1/oauth2/token"][-2:]
    assert verify.path == "/v1/notifications/verify-webhook-signature"
    sent = verify.json()
    assert sent == {
        "auth_algo": "SHA256withRSA",
        "cert_url": headers["HTTP_PAYPAL_CERT_URL"],
        "transmission_id": headers["HTTP_PAYPAL_TRANSMISSION_ID"],
        "transmission_sig": headers["HTTP_PAYPAL_TRANSMISSION_SIG"],
        "transmission_time": headers["HTTP_PAYPAL_TRANSMISSION_TIME"],
        "webhook_id": paypal.WEBHOOK_ID,
        "webhook_event": event,
    }
    assert body in verify.body  # the event as PayPal sent it, byte for byte
    assert capture.path == f"/v2/checkout/orders/{payment.gateway_reference}/capture"
    assert capture.header("PayPal-Request-Id") == f"smmpanel-capture-{payment.gateway_reference}"
    assert capture.header("Prefer") == "return=representation"
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "gateway:paypal"
    # PayPal delivers the same event again: the capture is answered once, the credit stays one.
    assert post(method, body, headers).status_code == 200
    assert len(paypal.captures) == 1
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert Account.objects.get(pk=payment.account_id).ledger.count() == 1
    assert audit() == []


def test_a_capture_completed_event_credits_a_pending_capture_once(paypal, method):
    paypal.capture_status = "PENDING"
    payment = started(method)
    capture = paid(paypal, method, payment)
    assert state(payment) == (PaymentStatus.PENDING, 0)
    completed = paypal.complete(capture["id"])
    body, headers = paypal.signed(paypal.event("PAYMENT.CAPTURE.COMPLETED", completed))
    assert post(method, body, headers).status_code == 200
    assert post(method, body, headers).status_code == 200  # a replay
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert audit() == []


def test_a_forged_or_altered_webhook_is_refused_and_changes_nothing(paypal, method):
    payment = started(method)
    order = paypal.approve(payment.gateway_reference)
    body, headers = paypal.signed(paypal.event("CHECKOUT.ORDER.APPROVED", order))
    forged = {**headers, "HTTP_PAYPAL_TRANSMISSION_SIG": base64.b64encode(b"x" * 32).decode()}
    other_cert = {**headers, "HTTP_PAYPAL_CERT_URL": "https://evil.example/cert.pem"}
    missing = {k: v for k, v in headers.items() if k != "HTTP_PAYPAL_TRANSMISSION_SIG"}
    altered = body.replace(b'"value": "10.00"', b'"value": "1000.00"')
    assert altered != body
    replies = [
        post(method, body, forged),
        post(method, body, other_cert),
        post(method, body, missing),
        post(method, altered, headers),
        post(method, b"not json", headers),
    ]
    assert [reply.status_code for reply in replies] == [403] * 5
    assert state(payment) == (PaymentStatus.PENDING, 0)
    assert paypal.captures == {}
    assert list(payment.events.values_list("kind", flat=True)) == ["created"]


def test_a_webhook_for_another_webhook_id_is_refused(paypal, db):
    method = make_method("paypal", credentials=credentials(paypal, webhook_id="OTHERWEBHOOK1"))
    payment = started(method)
    order = paypal.approve(payment.gateway_reference)
    assert notify(paypal, method, "CHECKOUT.ORDER.APPROVED", order).status_code == 403
    assert state(payment) == (PaymentStatus.PENDING, 0)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": {"currency_code": "USD", "value": "9.99"}}, PaymentErrorCode.AMOUNT_MISMATCH),
        (
            {"amount": {"currency_code": "EUR", "value": "10.00"}},
            PaymentErrorCode.CURRENCY_MISMATCH,
        ),
        (
            {"custom_id": "999999", "supplementary_data": {"related_ids": {"order_id": "NOPE"}}},
            PaymentErrorCode.NO_SUCH_PAYMENT,
        ),
    ],
)
def test_a_genuine_capture_that_does_not_match_is_refused(paypal, method, change, code):
    paypal.capture_status = "PENDING"
    payment = started(method)
    capture = paid(paypal, method, payment)
    reply = notify(paypal, method, "PAYMENT.CAPTURE.COMPLETED", {**capture, **change})
    assert reply.status_code == 400
    assert reply.content.decode() == PaymentError(code).message
    assert state(payment) == (PaymentStatus.PENDING, 0)


def test_an_approval_for_an_order_the_panel_did_not_create_is_refused_and_not_captured(
    paypal, method
):
    started(method)
    stranger = {
        "id": "9ZZ99999999999999",
        "status": "APPROVED",
        "intent": "CAPTURE",
        "purchase_units": [{"custom_id": "999999",
                            "amount": {"currency_code": "USD", "value": "10.00"}}],
    }  # fmt: skip
    assert notify(paypal, method, "CHECKOUT.ORDER.APPROVED", stranger).status_code == 400
    assert not any(r.path.endswith("/capture") for r in paypal.requests)


@pytest.mark.parametrize("late", ["PAYMENT.CAPTURE.PENDING", "PAYMENT.CAPTURE.DENIED"])
def test_a_late_pending_or_denied_capture_never_undoes_a_credit(paypal, method, late):
    payment = started(method)
    capture = paid(paypal, method, payment)
    assert notify(paypal, method, late, {**capture, "status": "PENDING"}).status_code == 200
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))


def test_a_denied_capture_rejects_a_waiting_payment(paypal, method):
    paypal.capture_status = "PENDING"
    payment = started(method)
    capture = paid(paypal, method, payment)
    denied = {**capture, "status": "DECLINED"}
    assert notify(paypal, method, "PAYMENT.CAPTURE.DENIED", denied).status_code == 200
    assert state(payment) == (PaymentStatus.REJECTED, 0)


def test_a_declined_card_at_capture_leaves_the_payment_waiting(paypal, method):
    paypal.capture_issue = "INSTRUMENT_DECLINED"
    payment = started(method)
    order = paypal.approve(payment.gateway_reference)
    assert notify(paypal, method, "CHECKOUT.ORDER.APPROVED", order).status_code == 200
    assert state(payment) == (PaymentStatus.PENDING, 0)
    assert "INSTRUMENT_DECLINED" in payment.events.last().detail


def test_an_event_the_panel_does_not_act_on_is_taken(paypal, method):
    reply = notify(paypal, method, "BILLING.SUBSCRIPTION.CREATED", {"id": "I-1"})
    assert reply.status_code == 200


def test_a_lost_approval_is_captured_and_credited_by_the_worker(paypal, method):
    payment = started(method)
    paypal.approve(payment.gateway_reference)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    paths = [r.path for r in paypal.requests if r.path != "/v1/oauth2/token"]
    assert paths[-2:] == [
        f"/v2/checkout/orders/{payment.gateway_reference}",
        f"/v2/checkout/orders/{payment.gateway_reference}/capture",
    ]
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "system"
    # The approval webhook arrives late: the capture is answered as before, nothing more.
    order = paypal.orders[payment.gateway_reference]
    assert notify(paypal, method, "CHECKOUT.ORDER.APPROVED", order).status_code == 200
    assert len(paypal.captures) == 1
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert audit() == []


def test_the_worker_does_not_capture_an_order_not_approved(paypal, method):
    payment = started(method)
    run_once(now=payment.next_attempt_at + timedelta(seconds=1))
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.next_attempt_at is not None
    assert not any(r.path.endswith("/capture") for r in paypal.requests)


def test_a_capture_made_elsewhere_is_read_back(paypal, method):
    payment = started(method)
    paypal.approve(payment.gateway_reference)
    # Captured by another request id (the merchant's dashboard, an older panel process).
    order = paypal.orders[payment.gateway_reference]
    paypal.captures["3CELSEWHERE0000X"] = {
        "id": "3CELSEWHERE0000X",
        "status": "COMPLETED",
        "amount": dict(order["purchase_units"][0]["amount"]),
        "custom_id": str(payment.pk),
    }
    order["purchase_units"][0]["payments"] = {"captures": [paypal.captures["3CELSEWHERE0000X"]]}
    approved = {**order, "status": "APPROVED"}
    order["status"] = "COMPLETED"
    assert notify(paypal, method, "CHECKOUT.ORDER.APPROVED", approved).status_code == 200
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))


def test_a_full_refund_reverses_the_payment_a_partial_one_only_joins_its_history(paypal, method):
    payment = started(method)
    capture = paid(paypal, method, payment)
    partial = paypal.refund(capture["id"], "4.00")
    assert notify(paypal, method, "PAYMENT.CAPTURE.REFUNDED", partial).status_code == 200
    assert state(payment) == (PaymentStatus.APPROVED, Decimal("10"))
    assert "4.00 USD of 10.00; not reversed" in payment.events.last().detail
    assert paypal.requests[-1].path == f"/v2/payments/captures/{capture['id']}"
    full = paypal.refund(capture["id"])
    assert notify(paypal, method, "PAYMENT.CAPTURE.REFUNDED", full).status_code == 200
    assert state(payment) == (PaymentStatus.REVERSED, 0)
    assert audit() == []


def test_a_reversal_of_spent_money_takes_back_what_is_left_and_suspends(paypal, method):
    payment = started(method)
    capture = paid(paypal, method, payment)
    account = Account.objects.get(pk=payment.account_id)
    ledger.adjust(account=account, amount=Decimal("-6"), reason="spent on orders")
    reversal = paypal.reversal(capture["id"])
    assert notify(paypal, method, "PAYMENT.CAPTURE.REVERSED", reversal).status_code == 200
    assert state(payment) == (PaymentStatus.REVERSED, 0)
    assert payment.unrecovered == Decimal("6")
    account.refresh_from_db()
    assert account.status == Account.Status.SUSPENDED
    assert audit() == []


def test_a_refund_naming_no_capture_is_refused(paypal, method):
    refund = {"id": "1R0", "amount": {"currency_code": "USD", "value": "10.00"}, "links": []}
    assert notify(paypal, method, "PAYMENT.CAPTURE.REFUNDED", refund).status_code == 400


def test_wrong_credentials_leave_the_payment_rejected(paypal, db):
    method = make_method("paypal", credentials=credentials(paypal, client_secret="wrong"))
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal("10"))
    with pytest.raises(PaymentError) as refused:
        start_payment(payment=payment)
    assert refused.value.code == PaymentErrorCode.GATEWAY_UNAVAILABLE
    assert state(payment) == (PaymentStatus.REJECTED, 0)


def test_a_webhook_that_cannot_be_verified_just_now_is_refused_for_a_later_retry(paypal, db):
    method = make_method("paypal", credentials=credentials(paypal, client_secret="wrong"))
    order = {"id": "5O0", "status": "APPROVED"}
    reply = notify(paypal, method, "CHECKOUT.ORDER.APPROVED", order)
    assert reply.status_code == 400
    assert reply.content.decode() == PaymentError(PaymentErrorCode.GATEWAY_UNAVAILABLE).message
