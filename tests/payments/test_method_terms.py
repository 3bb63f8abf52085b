"""A method's money terms (currency, rate, fee) and its credentials, stored encrypted."""

import json
from decimal import Decimal

import pytest

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import config_of
from smmpanel.payments.methods import save_method
from smmpanel.payments.models import PaymentMethod
from smmpanel.payments.operations import gateway_amount

pytestmark = pytest.mark.django_db
OPERATOR = Actor(name="olga")


def method(**values) -> PaymentMethod:
    base = {"name": "Bank", "gateway": "manual", "min_amount": Decimal(1), "max_amount": None}
    return save_method(method_id=None, values={**base, **values}, acting_user=OPERATOR)


def test_an_added_fee_and_the_rate_give_whole_rupiah_rounded_up():
    bca = method(currency="idr", exchange_rate=Decimal("16000.5"), fee_percent=Decimal("2.5"),
                 fee_fixed=Decimal("2000"))  # fmt: skip
    assert bca.currency == "IDR"
    # 10 USD = 160,005 IDR; + 2.5 % = 4,000.125; + 2,000 → 166,005.125 → 166,006.
    assert gateway_amount(bca, Decimal("10")) == (Decimal("166006"), "IDR")


def test_an_absorbed_fee_is_not_asked_of_the_customer():
    card = method(fee_percent=Decimal("3"), fee_added=False)
    assert gateway_amount(card, Decimal("10.5")) == (Decimal("10.50"), "USD")


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"exchange_rate": Decimal(0)}, PaymentErrorCode.INVALID_RATE),
        ({"fee_percent": Decimal(100)}, PaymentErrorCode.INVALID_FEE),
        ({"fee_fixed": Decimal(-1)}, PaymentErrorCode.INVALID_FEE),
        ({"currency": "US$"}, PaymentErrorCode.UNSUPPORTED_CURRENCY),
    ],
)
def test_bad_terms_are_refused_and_nothing_is_written(values, code):
    with pytest.raises(PaymentError) as refused:
        method(**values)
    assert refused.value.code == code
    assert not PaymentMethod.objects.exists() and not AuditEntry.objects.exists()


def test_credentials_are_stored_encrypted_and_shown_only_as_hints():
    secret = "sk_test_51HsecretvalueXYZ"
    saved = method(credentials={"secret_key": secret})
    assert secret not in saved.credentials
    assert saved.credential_hints == {"secret_key": "sk_t…YZ"}
    assert config_of(saved).credentials == {"secret_key": secret}
    entry = AuditEntry.objects.get(action="payment_method.create")
    assert secret not in json.dumps(entry.after)


def test_the_same_credentials_again_change_nothing_and_new_ones_are_audited():
    saved = method(credentials={"secret_key": "sk_test_aaaaaaaaaaaaZZ"})
    values = {"name": "Bank", "gateway": "manual", "min_amount": Decimal(1), "max_amount": None}
    again = {**values, "credentials": {"secret_key": "sk_test_aaaaaaaaaaaaZZ"}}
    save_method(method_id=saved.pk, values=again, acting_user=OPERATOR)
    assert not AuditEntry.objects.filter(action="payment_method.edit").exists()
    # Same hint, other secret: still a change.
    other = {**values, "credentials": {"secret_key": "sk_test_bbbbbbbbbbbbZZ"}}
    save_method(method_id=saved.pk, values=other, acting_user=OPERATOR)
    assert AuditEntry.objects.filter(action="payment_method.edit").count() == 1
    assert config_of(PaymentMethod.objects.get()).credentials["secret_key"].startswith("sk_test_b")
