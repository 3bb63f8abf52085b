"""Moota: mutations matched by their code, the Signature header (HMAC-SHA256) verified."""

from decimal import Decimal

import pytest

from tests.payments.fakes import moota
from tests.payments.gateways.bank_transfers import *  # noqa: F403 - the shared cases
from tests.payments.gateways.bank_transfers import Bank

SECRET = "moota-webhook-secret"


@pytest.fixture
def bank(db) -> Bank:
    def sign(tx, description, amount, incoming=True):
        kind = "CR" if incoming else "DB"
        return moota.webhook(
            secret=SECRET, id=str(tx), content=description, amount=amount, type=kind
        )

    return Bank("moota", "IDR", Decimal(16000), {"secret": SECRET}, sign, b"OK")
