"""Sign-ups through /ref/CODE over real HTTP (the test client keeps the cookies): tied once,
forever; self-referrals refused and recorded with their reason."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smmpanel.accounts.models import Account
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Referral, Visit
from smmpanel.affiliates.referrals import tie_referral
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from tests.factories import make_account

pytestmark = pytest.mark.django_db


def sign_up(client: Client, username: str, ip: str = "198.51.100.7") -> Account:
    response = client.post(
        reverse("signup"),
        {
            "username": username,
            "email": f"{username}@example.com",
            "password1": "a long Passphrase 42",
            "password2": "a long Passphrase 42",
        },
        REMOTE_ADDR=ip,
    )
    assert response.status_code == 302, response.content
    return Account.objects.get(user__username=username)


def test_a_sign_up_through_a_referral_link_is_tied_once():
    referrer, _ = make_account()
    code = affiliate_for(referrer).code
    assert affiliate_for(referrer).code == code  # made once
    visitor = Client()
    response = visitor.get(f"/ref/{code}", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302 and response["Location"] == reverse("signup")
    assert "smmpanel_ref" in response.cookies and "smmpanel_device" in response.cookies
    newcomer = sign_up(visitor, "newcomer")
    referral = Referral.objects.get(referred=newcomer)
    assert referral.affiliate_id == referrer.pk and referral.status == Referral.Status.TIED
    entry = AuditEntry.objects.get(action="affiliate.referral")
    assert entry.after["status"] == "tied" and entry.actor_name == "newcomer"
    # Once, forever: a later visit of another link changes nothing.
    other, _ = make_account()
    again = tie_referral(
        referred_id=newcomer.pk,
        visit_id=Visit.objects.create(affiliate=affiliate_for(other)).pk,
        ip="203.0.113.1",
        device="",
        acting_user=Actor.system(),
    )
    assert again == referral and Referral.objects.count() == 1
    # The affiliate's page counts the visit and the sign-up.
    page = Client()
    page.force_login(referrer.user)
    shown = page.get(reverse("panel:affiliates"), REMOTE_ADDR="192.0.2.50")
    assert shown.status_code == 200
    assert f"http://testserver/ref/{code}" in shown.content.decode()
    figures = shown.context["figures"]
    assert (figures.visits, figures.signups, figures.conversions) == (1, 1, 0)


def test_a_visit_older_than_the_window_ties_nothing(settings):
    referrer, _ = make_account()
    visitor = Client()
    visitor.get(f"/ref/{affiliate_for(referrer).code}")
    Visit.objects.update(created_at=timezone.now() - timedelta(days=31))
    sign_up(visitor, "late")
    assert not Referral.objects.exists()


def test_an_unknown_code_sets_no_referral_cookie():
    response = Client().get("/ref/NOSUCH99")
    assert response.status_code == 302 and "smmpanel_ref" not in response.cookies


def test_a_sign_up_from_the_affiliates_own_browser_is_refused_as_same_device():
    referrer, _ = make_account()
    browser = Client()
    browser.force_login(referrer.user)
    browser.get(reverse("panel:affiliates"), REMOTE_ADDR="192.0.2.50")  # device cookie + sighting
    code = affiliate_for(referrer).code
    browser.post(reverse("logout"))  # keeps the browser's cookies, as a real one does
    browser.get(f"/ref/{code}", REMOTE_ADDR="203.0.113.99")
    sock = sign_up(browser, "sockpuppet", ip="203.0.113.99")
    referral = Referral.objects.get(referred=sock)
    assert referral.status == Referral.Status.REFUSED
    assert referral.refusal == Referral.Refusal.SAME_DEVICE


def test_a_sign_up_from_the_affiliates_login_address_is_refused_as_same_address():
    referrer, _ = make_account()
    referrer.user.set_password("pw-for-login-9")
    referrer.user.save()
    own = Client()
    own.post(
        reverse("login"),
        {"username": referrer.user.username, "password": "pw-for-login-9"},
        REMOTE_ADDR="192.0.2.77",
    )
    other_browser = Client()
    other_browser.get(f"/ref/{affiliate_for(referrer).code}", REMOTE_ADDR="192.0.2.77")
    sock = sign_up(other_browser, "sameaddress", ip="192.0.2.77")
    referral = Referral.objects.get(referred=sock)
    assert (referral.status, referral.refusal) == ("refused", "same_address")
    assert AuditEntry.objects.get(action="affiliate.referral").after["refusal"] == "same_address"


def test_the_affiliate_opening_their_own_link_counts_no_visit_and_is_refused_as_themself():
    referrer, _ = make_account()
    own = Client()
    own.force_login(referrer.user)
    own.get(f"/ref/{affiliate_for(referrer).code}")
    assert not Visit.objects.exists()
    visit = Visit.objects.create(affiliate=affiliate_for(referrer))
    referral = tie_referral(
        referred_id=referrer.pk, visit_id=visit.pk, ip="", device="", acting_user=Actor.system()
    )
    assert referral is not None and referral.refusal == Referral.Refusal.SAME_CUSTOMER


def test_openings_past_the_limit_of_an_address_are_not_counted(settings):
    settings.RATE_LIMIT_REFERRAL_VISITS = "3/h"
    referrer, _ = make_account()
    code = affiliate_for(referrer).code
    browser = Client()
    for _ in range(5):
        response = browser.get(f"/ref/{code}", REMOTE_ADDR="198.51.100.20")
        assert response.status_code == 302 and response["Location"] == reverse("signup")
    assert Visit.objects.count() == 3
    # The browser keeps the last counted visit: its sign-up is still tied.
    newcomer = sign_up(browser, "looped", ip="198.51.100.20")
    assert Referral.objects.get(referred=newcomer).affiliate_id == referrer.pk
    # Another address counts on its own; 0 turns the limit off.
    Client().get(f"/ref/{code}", REMOTE_ADDR="198.51.100.21")
    assert Visit.objects.count() == 4
    settings.RATE_LIMIT_REFERRAL_VISITS = "0"
    browser.get(f"/ref/{code}", REMOTE_ADDR="198.51.100.20")
    assert Visit.objects.count() == 5
