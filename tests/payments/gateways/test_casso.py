"""Casso (webhook v2): transfers matched by their code, X-Casso-Signature verified."""

import json
from decimal import Decimal

import pytest

from smmpanel.payments.gateways.casso import signature
from tests.payments.fakes import casso
from tests.payments.gateways.bank_transfers import *  # noqa: F403 - the shared cases
from tests.payments.gateways.bank_transfers import Bank

KEY = "mgExMrjj4i7a1p8Cs6LmFbpCd8lbw4sSX4LZXPag7TKazeIogtR90tvWYTkwQbvs"


@pytest.fixture
def bank(db) -> Bank:
    def sign(tx, description, amount, incoming=True):
        signed = amount if incoming else -amount
        return casso.webhook(checksum_key=KEY, id=int(tx), content=description, amount=signed)

    return Bank("casso", "VND", Decimal(25000), {"checksum_key": KEY}, sign, b'{"success": true}')


def test_the_signature_is_casso_s_own_example():
    """The example of Casso's docs: its checksum key, body and X-Casso-Signature."""
    body = json.loads(
        '{"error":0,"data":{"id":0,"reference":"MA_GIAO_DICH_THU_NGHIEM",'
        '"description":"giao dich thu nghiem","amount":599000,"runningBalance":25000000,'
        '"transactionDateTime":"2024-10-03 15:06:37","accountNumber":"88888888",'
        '"bankName":"VPBank","bankAbbreviation":"VPB","virtualAccountNumber":"",'
        '"virtualAccountName":"","counterAccountName":"NGUYEN VAN A",'
        '"counterAccountNumber":"8888888888","counterAccountBankId":"970415",'
        '"counterAccountBankName":"VietinBank"}}'
    )
    assert signature(body, "1727948258788", KEY) == (
        "ed0a4bd2e826d5cb69988cdb141e6c1a080e21f3b57eb72cd78192220042b9e7"
        "dde0868fc667faea8e224900fa7904e7c88dfa098032fb2d6b6996856e8b7ff3"
    )
