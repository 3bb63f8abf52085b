"""The back-office lists the bank transfers that credited nothing by themselves."""

from decimal import Decimal

from django.test import Client

from smmpanel.payments.models import UnmatchedTransfer

URL = "/backoffice/payments/transfers/"


def test_an_admin_sees_the_unmatched_transfers(admin_op):
    UnmatchedTransfer.objects.create(
        gateway="sepay",
        transfer_id="92704",
        amount=Decimal(250000),
        currency="VND",
        description="chuyen tien khong ma",
        reason=UnmatchedTransfer.Reason.NO_CODE,
    )
    page = admin_op.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "92704" in text and "chuyen tien khong ma" in text
    assert "No payment code in the description" in text


def test_support_and_visitors_do_not(support_op):
    assert support_op.get(URL).status_code == 403
    assert Client().get(URL).status_code == 302
