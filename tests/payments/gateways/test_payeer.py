"""Payeer against a fake of its merchant over real HTTP: the panel's page posts the
documented signed form, the status handler verifies m_sign, credits once, answers
"{m_orderid}|success" or "|error", and refuses what does not match."""

from decimal import Decimal

import httpx
import pytest
from django.test import Client

from smmpanel.accounts.ledger import audit, ledger_total
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.models import Payment, PaymentStatus
from smmpanel.payments.operations import create_payment, start_payment
from tests.factories import make_account
from tests.payments.factories import make_method
from tests.payments.fakes.forms import read_form
from tests.payments.fakes.payeer import SECRET, SHOP, FakePayeer, description, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def payeer():
    with FakePayeer() as fake:
        yield fake


def method_of(fake, **more):
    credentials = {"shop_id": SHOP, "secret_key": SECRET, "api_url": f"{fake.url}/merchant/"}
    return make_method("payeer", credentials={**credentials, **more})


@pytest.fixture
def method(payeer):
    return method_of(payeer)


def paying(method, amount: str = "12.5") -> Payment:
    """The customer starts a payment and their browser follows the checkout to the fake."""
    account, _ = make_account()
    payment = create_payment(account=account, method=method, amount=Decimal(amount))
    checkout = start_payment(payment=payment)
    browser = Client()
    browser.force_login(account.user)
    assert checkout is not None
    action, fields = read_form(browser.get(checkout.url).content.decode())
    assert httpx.post(action, data=dict(fields)).status_code == 200
    return payment


def notify(method, data: dict[str, str], ip: str = "185.71.65.92"):
    return Client(REMOTE_ADDR=ip).post(f"/payments/callback/payeer/{method.pk}/", data)


def balance(payment: Payment) -> Decimal:
    payment.account.refresh_from_db()
    return payment.account.balance


def test_the_checkout_page_posts_the_documented_signed_form(payeer, method):
    payment = paying(method)
    desc = description(f"Deposit {payment.pk}")
    assert payeer.forms == [
        {
            "m_shop": SHOP,
            "m_orderid": str(payment.pk),
            "m_amount": "12.50",
            "m_curr": "USD",
            "m_desc": desc,
            "m_sign": sign([SHOP, str(payment.pk), "12.50", "USD", desc, SECRET]),
            "m_process": "send",
        }
    ]


def test_a_success_status_credits_once_and_answers_as_documented(payeer, method):
    payment = paying(method)
    status = payeer.status()
    first, replay = notify(method, status), notify(method, status)
    assert first.content.decode() == f"{payment.pk}|success" == replay.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
    assert payment.gateway_reference == status["m_operation_id"]
    assert balance(payment) == Decimal("12.5") == ledger_total(payment.account)
    assert AuditEntry.objects.get(action="payment.approve").actor_name == "gateway:payeer"
    assert audit() == []


def test_m_params_join_the_signature_when_present(payeer, method):
    payment = paying(method)
    assert notify(method, payeer.status(m_params="")).content.decode() == f"{payment.pk}|success"


def test_a_failed_status_rejects_and_answers_error(payeer, method):
    payment = paying(method)
    response = notify(method, payeer.status(m_status="fail"))
    assert (response.status_code, response.content.decode()) == (200, f"{payment.pk}|error")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REJECTED and balance(payment) == 0


def test_a_forged_status_is_refused_with_error_and_changes_nothing(payeer, method):
    payment = paying(method)
    forged = notify(method, payeer.status(secret="guess"))
    assert (forged.status_code, forged.content.decode()) == (403, f"{payment.pk}|error")
    altered = {**payeer.status(), "m_amount": "1000.00"}
    assert notify(method, altered).status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


@pytest.mark.parametrize(
    "changes",
    [{"m_amount": "1.00"}, {"m_curr": "EUR"}, {"m_orderid": "999999"}, {"m_shop": "1"}],
    ids=["amount", "currency", "no-such-payment", "another-shop"],
)
def test_a_signed_status_that_does_not_match_is_refused(payeer, method, changes):
    payment = paying(method)
    assert notify(method, payeer.status(**changes)).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and balance(payment) == 0


def test_fail_after_success_changes_nothing(payeer, method):
    payment = paying(method)
    status = payeer.status()
    notify(method, status)
    late = payeer.status(m_status="fail", m_operation_id=status["m_operation_id"])
    assert notify(method, late).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and balance(payment) == Decimal("12.5")
    assert audit() == []


def test_the_allowed_addresses_when_set_refuse_any_other(payeer):
    method = method_of(payeer, allowed_ips="185.71.65.92, 185.71.65.189, 149.202.17.210")
    payment = paying(method)
    assert notify(method, payeer.status(), ip="203.0.113.9").status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert notify(method, payeer.status(), ip="149.202.17.210").status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED
