"""The back-office's affiliates page (admin role): figures, the own percent, the payout
requests queue and the refused referrals, each decision through the audited domain action."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smmpanel.accounts.actions import deposit_funds
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Affiliate, Commission, Payout, Referral, Visit
from smmpanel.affiliates.payouts import request_payout
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.backoffice import roles
from tests.backoffice.conftest import operator
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_op(db) -> Client:
    return operator("alice", roles.ADMIN)


@pytest.fixture
def support_op(db) -> Client:
    return operator("sam", roles.SUPPORT)


def test_staff_see_figures_set_a_percent_and_decide_requests(admin_op):
    referrer, _ = make_account(username="rita")
    customer, _ = make_account(username="carl")
    sock, _ = make_account(username="sock")
    affiliate = affiliate_for(referrer)
    Visit.objects.create(affiliate=affiliate, ip="203.0.113.4")
    Referral.objects.create(affiliate=affiliate, referred=customer, status=Referral.Status.TIED)
    Referral.objects.create(
        affiliate=affiliate,
        referred=sock,
        status=Referral.Status.REFUSED,
        refusal=Referral.Refusal.SAME_ADDRESS,
        ip="203.0.113.4",
    )
    deposit_funds(account_id=customer.pk, amount=Decimal("400"), acting_user=Actor.system())
    Commission.objects.update(available_at=timezone.now())
    payout = request_payout(
        account_id=referrer.pk, details="<b>wallet</b>", acting_user=Actor.system()
    )

    page = admin_op.get(reverse("backoffice:affiliates"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "rita" in html and "sock" in html and "The same IP address as the affiliate" in html
    assert "&lt;b&gt;wallet&lt;/b&gt;" in html  # the affiliate's text, escaped

    url = reverse("backoffice:affiliate_percent", args=[referrer.pk])
    assert admin_op.post(url, {f"{referrer.pk}-percent": "12.5"}).status_code == 302
    assert Affiliate.objects.get(pk=referrer.pk).percent == Decimal("12.5")
    admin_op.post(url, {f"{referrer.pk}-percent": "150"})
    assert Affiliate.objects.get(pk=referrer.pk).percent == Decimal("12.5")

    decide = reverse("backoffice:affiliate_payout", args=[payout.pk])
    assert admin_op.post(decide, {"decision": "approve", "note": "sent"}).status_code == 302
    assert Payout.objects.get().status == Payout.Status.PAID
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"affiliate.percent", "affiliate.payout_approve"} <= actions
    assert AuditEntry.objects.get(action="affiliate.payout_approve").actor_name == "alice"


def test_support_may_not_open_the_affiliates_page(support_op):
    assert support_op.get(reverse("backoffice:affiliates")).status_code == 403
