"""SePay: transfers matched by their code, the webhook authenticated by its API key."""

from decimal import Decimal

import pytest
from django.test import Client

from smmpanel.payments import transfers
from tests.payments.fakes import sepay
from tests.payments.gateways.bank_transfers import *  # noqa: F403 - the shared cases
from tests.payments.gateways.bank_transfers import Bank, new_payment

KEY = "sepay-api-key-0123456789"


@pytest.fixture
def bank(db) -> Bank:
    def sign(tx, description, amount, incoming=True):
        return sepay.webhook(
            api_key=KEY,
            id=int(tx),
            content=description,
            amount=amount,
            transfer_type="in" if incoming else "out",
        )

    credentials = {
        "api_key": KEY,
        "bank_name": "Vietcombank",
        "account_number": "0123499999",
        "account_name": "CONG TY SMM",
        "bank_bin": "970436",
    }
    return Bank("sepay", "VND", Decimal(25000), credentials, sign, b'{"success": true}', False)


def test_the_payment_page_shows_the_code_the_account_and_a_vietqr(bank):
    method = bank.method()
    payment = new_payment(method)
    browser = Client()
    browser.force_login(payment.account.user)
    page = browser.get(f"/funds/payments/{payment.pk}/").content.decode()
    assert transfers.code_of(payment.pk) in page
    assert "250.000" in page or "250000" in page
    assert "0123499999" in page and "<svg" in page
