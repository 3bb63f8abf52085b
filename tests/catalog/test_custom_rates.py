"""Custom rates: the operator's price of a service for one customer, charged by the API and shown
by the web order form's preview; recorded; the only case where placing an order looks one up."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smmpanel.accounts.actions import set_rate_discount
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.custom_rates import set_custom_rate
from smmpanel.catalog.errors import CatalogError
from smmpanel.orders.placement import place_order
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db
CLI = Actor.cli()
PARAMS = {"link": "https://x.com/a", "quantity": "1000"}


def _account(pk) -> Account:
    return Account.objects.get(pk=pk)


def test_a_custom_rate_is_charged_instead_of_the_discounted_rate():
    account, _ = make_account("100")
    service, other = make_service(rate=Decimal("2")), make_service(rate=Decimal("2"))
    set_rate_discount(account_id=account.pk, percent=Decimal(50), acting_user=CLI)
    set_custom_rate(acting_user=CLI, account_id=account.pk, service_id=service.pk,
                    rate=Decimal("1.5"))  # fmt: skip
    account = _account(account.pk)
    assert account.has_custom_rates
    assert place_order(account=account, service=service, params=PARAMS).charge == Decimal("1.5")
    # Other services keep the customer's discount.
    assert place_order(account=account, service=other, params=PARAMS).charge == Decimal("1")
    set_custom_rate(acting_user=CLI, account_id=account.pk, service_id=service.pk, rate=None)
    account = _account(account.pk)
    assert not account.has_custom_rates
    assert place_order(account=account, service=service, params=PARAMS).charge == Decimal("1")
    entries = AuditEntry.objects.filter(action="account.custom_rate").order_by("pk")
    assert [(e.before["rate"], e.after["rate"]) for e in entries] == [
        (None, "1.50000"),
        ("1.50000", None),
    ]


def test_the_same_rate_again_writes_nothing_and_bad_rates_are_refused():
    account, _ = make_account()
    service = make_service(rate=Decimal("2"))
    for _ in range(2):
        set_custom_rate(acting_user=CLI, account_id=account.pk, service_id=service.pk,
                        rate=Decimal("1"))  # fmt: skip
    assert AuditEntry.objects.filter(action="account.custom_rate").count() == 1
    for rate, service_id in [(Decimal(-1), service.pk), (Decimal("NaN"), service.pk),
                             (Decimal(1), 999999)]:  # fmt: skip
        with pytest.raises(CatalogError):
            set_custom_rate(acting_user=CLI, account_id=account.pk, service_id=service_id,
                            rate=rate)  # fmt: skip
    assert AuditEntry.objects.filter(action="account.custom_rate").count() == 1


def test_customers_without_custom_rates_look_nothing_up():
    account, _ = make_account("100")
    service = make_service(rate=Decimal("2"))
    with CaptureQueriesContext(connection) as queries:
        place_order(account=account, service=service, params=PARAMS)
    assert not any("custom" in query["sql"] for query in queries.captured_queries)


def test_the_order_forms_preview_shows_the_custom_charge():
    account, _ = make_account("100", username="carol")
    service = make_service(rate=Decimal("2"))
    set_custom_rate(acting_user=CLI, account_id=account.pk, service_id=service.pk,
                    rate=Decimal("1.25"))  # fmt: skip
    client = Client()
    client.force_login(account.user)
    preview = client.post(reverse("panel:order_preview"), {"service": service.pk, **PARAMS})
    assert "1.25" in preview.text
