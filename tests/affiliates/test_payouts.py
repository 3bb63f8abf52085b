"""Payouts: available commissions to the balance (one ledger entry, once, even when asked twice
at the same moment) or as a request staff approve or decline, each audited."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smmpanel.accounts.actions import deposit_funds
from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.affiliates.errors import AffiliateError, AffiliateErrorCode
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Commission, Payout, Referral
from smmpanel.affiliates.payouts import (
    approve_payout,
    decline_payout,
    pay_to_balance,
    request_payout,
)
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.configuration.operations import update_settings
from tests.factories import make_account

OPERATOR = Actor(name="olga")


def earned(amounts: list[str], available: bool = True) -> Account:
    """A referrer whose referred customer deposited `amounts` (5 % each)."""
    referrer, _ = make_account()
    customer, _ = make_account()
    Referral.objects.create(
        affiliate=affiliate_for(referrer), referred=customer, status=Referral.Status.TIED
    )
    for amount in amounts:
        deposit_funds(account_id=customer.pk, amount=Decimal(amount), acting_user=OPERATOR)
    if available:
        Commission.objects.filter(affiliate_id=referrer.pk).update(available_at=timezone.now())
    return referrer


@pytest.mark.django_db
def test_a_payout_to_the_balance_writes_one_ledger_entry_and_can_not_be_done_twice():
    referrer = earned(["100", "300"])
    payout = pay_to_balance(account_id=referrer.pk, acting_user=Actor.of_user(referrer.user))
    assert payout.amount == Decimal("20") and payout.status == Payout.Status.PAID
    entry = LedgerEntry.objects.get(account=referrer, kind=LedgerEntry.Kind.COMMISSION)
    assert entry.amount == Decimal("20") and payout.ledger_entry == entry
    assert Account.objects.get(pk=referrer.pk).balance == Decimal("20")
    assert set(Commission.objects.values_list("status", flat=True)) == {"paid"}
    audited = AuditEntry.objects.get(action="affiliate.payout")
    assert audited.after["amount"] == "20.00000" and audited.after["ledger_entry"] == entry.pk
    with pytest.raises(AffiliateError) as refused:
        pay_to_balance(account_id=referrer.pk, acting_user=OPERATOR)
    assert refused.value.code == AffiliateErrorCode.NOTHING_AVAILABLE
    assert LedgerEntry.objects.filter(kind="commission").count() == 1


@pytest.mark.django_db
def test_pending_commissions_and_sums_below_the_minimum_are_not_paid():
    pending = earned(["1000"], available=False)
    with pytest.raises(AffiliateError) as refused:
        pay_to_balance(account_id=pending.pk, acting_user=OPERATOR)
    assert refused.value.code == AffiliateErrorCode.NOTHING_AVAILABLE
    small = earned(["100"])  # 5 < the least payout, 10
    with pytest.raises(AffiliateError) as refused:
        request_payout(account_id=small.pk, details="x", acting_user=OPERATOR)
    assert refused.value.code == AffiliateErrorCode.BELOW_MINIMUM
    assert (
        not Payout.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="affiliate.payout").exists()
    )


@pytest.mark.django_db(transaction=True)
def test_two_payouts_at_the_same_moment_pay_once():
    referrer = earned(["200", "400"])

    def pay(_: int) -> bool:
        try:
            pay_to_balance(account_id=referrer.pk, acting_user=OPERATOR)
            return True
        except AffiliateError:
            return False
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(pay, range(2)))
    assert sorted(outcomes) == [False, True]
    assert LedgerEntry.objects.filter(kind="commission").count() == 1
    assert Account.objects.get(pk=referrer.pk).balance == Decimal("30")
    assert audit() == []


@pytest.mark.django_db
def test_a_payout_request_is_approved_or_declined_with_its_audit_entry():
    update_settings(acting_user=OPERATOR, affiliate_min_payout=Decimal("5"))
    referrer = earned(["100"])
    first = request_payout(account_id=referrer.pk, details=" USDT TRC20 T9x ", acting_user=OPERATOR)
    assert first.details == "USDT TRC20 T9x" and first.status == Payout.Status.REQUESTED
    with pytest.raises(AffiliateError):  # the commission waits in the request
        pay_to_balance(account_id=referrer.pk, acting_user=OPERATOR)
    decline_payout(payout_id=first.pk, note="wrong wallet", acting_user=OPERATOR)
    declined = AuditEntry.objects.get(action="affiliate.payout_decline")
    assert declined.before["status"] == "requested" and declined.after["status"] == "declined"
    with pytest.raises(AffiliateError) as refused:
        approve_payout(payout_id=first.pk, acting_user=OPERATOR)
    assert refused.value.code == AffiliateErrorCode.ALREADY_DECIDED
    second = request_payout(account_id=referrer.pk, details="bank 123", acting_user=OPERATOR)
    approve_payout(payout_id=second.pk, note="sent", acting_user=OPERATOR)
    approved = AuditEntry.objects.get(action="affiliate.payout_approve")
    assert approved.after["status"] == "paid" and approved.actor_name == "olga"
    assert Commission.objects.get().status == Commission.Status.PAID
    # Paid outside the panel: no money moved on the balance.
    assert not LedgerEntry.objects.filter(kind="commission").exists()
    assert audit() == []


@pytest.mark.django_db
def test_the_affiliate_page_pays_out_to_the_balance():
    referrer = earned(["400"])
    page = Client()
    page.force_login(referrer.user)
    response = page.post(reverse("panel:affiliates"), {"balance": "1"}, follow=True)
    assert response.status_code == 200
    assert Account.objects.get(pk=referrer.pk).balance == Decimal("20")
    response = page.post(reverse("panel:affiliates"), {"request": "1", "details": "x"}, follow=True)
    assert "No commission is available" in response.content.decode()
    assert Payout.objects.count() == 1
