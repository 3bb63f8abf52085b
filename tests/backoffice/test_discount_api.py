"""The discount an operator sets is what the API charges: one price computation for all."""

from decimal import Decimal

import httpx
import pytest
from django.urls import reverse

from smmpanel.accounts.models import Account, LedgerEntry
from tests.factories import make_account, make_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def test_api_add_charges_the_discounted_rate_set_in_the_back_office(panel_server, admin_op):
    account, key = make_account("100", username="reseller")
    service = make_service(rate=Decimal("0.90"))
    response = admin_op.post(
        reverse("backoffice:user_discount", args=[account.pk]), {"rate_discount": "20"}
    )
    assert response.status_code == 302
    reply = httpx.post(
        panel_server.api,
        data={
            "key": key,
            "action": "add",
            "service": str(service.pk),
            "link": "https://x.com/r",
            "quantity": "1000",
        },
    ).json()
    assert "order" in reply, reply
    status = httpx.post(
        panel_server.api, data={"key": key, "action": "status", "order": str(reply["order"])}
    ).json()
    assert status["charge"] == "0.72"
    balance = httpx.post(panel_server.api, data={"key": key, "action": "balance"}).json()
    assert balance["balance"] == "99.28"
    charge = LedgerEntry.objects.get(account=account, kind=LedgerEntry.Kind.CHARGE)
    assert charge.amount == Decimal("-0.72")
    assert Account.objects.get(pk=account.pk).rate_discount == 20
