"""Users from the back-office: adjustments on the ledger with a reason, suspension, key reset,
and the custom rate discount the API then charges."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.keys import authenticate_key
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.orders.placement import place_order
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def test_adjustment_writes_a_ledger_entry_with_its_reason_and_an_audit_entry(admin_op):
    account, _ = make_account("10", username="payer")
    url = reverse("backoffice:user_adjust", args=[account.pk])
    response = admin_op.post(url, {"amount": "-2.5", "reason": "Chargeback #77 🙁"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.balance == Decimal("7.5")
    entry = LedgerEntry.objects.get(account=account, kind=LedgerEntry.Kind.ADJUSTMENT)
    assert entry.reason == "Chargeback #77 🙁" and entry.amount == Decimal("-2.5")
    audit = AuditEntry.objects.get(action="account.adjust")
    assert audit.before == {"balance": "10.00000"}
    assert audit.after == {"balance": "7.50000", "ledger_entry": entry.pk}
    assert audit.summary == "Chargeback #77 🙁"
    assert ledger.audit() == []


def test_adjustment_without_a_reason_or_below_zero_is_refused_and_changes_nothing(admin_op):
    account, _ = make_account("10", username="payer")
    url = reverse("backoffice:user_adjust", args=[account.pk])
    assert admin_op.post(url, {"amount": "5", "reason": ""}).status_code == 400
    response = admin_op.post(url, {"amount": "-50", "reason": "too much"})
    assert response.status_code == 400
    assert "Not enough funds" in response.content.decode()
    account.refresh_from_db()
    assert account.balance == 10
    assert not AuditEntry.objects.exists()
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_suspend_stops_the_api_key_and_reactivate_restores_it(admin_op):
    account, key = make_account(username="shady")
    url = reverse("backoffice:user_status", args=[account.pk])
    admin_op.post(url, {"suspend": "1"})
    with pytest.raises(AccountError):
        authenticate_key(key)
    admin_op.post(url, {"reactivate": "1"})
    assert authenticate_key(key) == account
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "after"))
    assert actions == [
        ("account.suspend", {"status": "suspended"}),
        ("account.reactivate", {"status": "active"}),
    ]


def test_key_reset_shows_the_new_key_once_and_the_old_one_stops(admin_op):
    account, old_key = make_account(username="leaky")
    response = admin_op.post(reverse("backoffice:user_reset_key", args=[account.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    new_key = response.context["new_key"]
    assert new_key in response.content.decode()
    assert authenticate_key(new_key) == account
    with pytest.raises(AccountError):
        authenticate_key(old_key)
    page = admin_op.get(reverse("backoffice:user", args=[account.pk])).content.decode()
    assert new_key not in page
    assert new_key not in str(AuditEntry.objects.get().after)


def test_discount_lowers_the_charge_of_the_next_order(admin_op):
    account, _ = make_account("100", username="vip")
    service = make_service(rate=Decimal("0.00333"))
    admin_op.post(reverse("backoffice:user_discount", args=[account.pk]), {"rate_discount": "12.5"})
    account.refresh_from_db()
    assert account.rate_discount == Decimal("12.5")
    order = place_order(
        account=account, service=service, params={"link": "https://x.com/v", "quantity": "1000"}
    )
    # 0.00333 × 0.875 = 0.00291375, rounded (up) once: 0.00292.
    assert order.charge == Decimal("0.00292")
    assert AuditEntry.objects.get().after == {"rate_discount": "12.50"}


def test_discount_of_100_percent_or_more_is_refused(admin_op):
    account, _ = make_account(username="greedy")
    url = reverse("backoffice:user_discount", args=[account.pk])
    assert admin_op.post(url, {"rate_discount": "100"}).status_code == 400
    assert admin_op.post(url, {"rate_discount": "-1"}).status_code == 400
    assert Account.objects.get(pk=account.pk).rate_discount == 0


def test_user_search(admin_op):
    make_account(username="findme")
    make_account(username="other")
    page = admin_op.get(reverse("backoffice:users"), {"q": "find"}).context["page"]
    assert [account.user.username for account in page] == ["findme"]


def test_the_panels_price_preview_and_order_use_the_discount(admin_op):
    from django.test import Client

    account, _ = make_account("100", username="vip2")
    service = make_service(rate=Decimal("0.90"))
    admin_op.post(reverse("backoffice:user_discount", args=[account.pk]), {"rate_discount": "20"})
    customer = Client()
    customer.force_login(account.user)
    params = {"service": service.pk, "link": "https://x.com/p", "quantity": "1000"}
    preview = customer.post(reverse("panel:order_preview"), params)
    assert preview.context["draft"].charge == Decimal("0.72")
    customer.post(reverse("panel:new_order"), params)
    assert account.orders.get().charge == Decimal("0.72")
