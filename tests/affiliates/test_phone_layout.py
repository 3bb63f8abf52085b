"""The affiliate pages in a real browser (Debian's chromium) against `smmpanel serve`, at 360 px
in English, Indonesian and Vietnamese: nothing wider than the screen, the copy button copies."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from smmpanel.accounts.actions import deposit_funds
from smmpanel.accounts.models import Account
from smmpanel.affiliates.links import affiliate_for
from smmpanel.affiliates.models import Commission, Referral
from smmpanel.affiliates.payouts import request_payout
from smmpanel.audit.log import Actor
from tests.browser.conftest import PHONE, chromium  # noqa: F401 (the fixture)
from tests.factories import make_account

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"
TITLES = {"en": "Affiliates", "id": "Afiliasi", "vi": "Tiếp thị liên kết"}
COPIED = {"en": "Copied", "id": "Tersalin", "vi": "Đã sao chép"}


def with_password(account: Account) -> None:
    # The server checks passwords with the production hashers, not the tests' fast one.
    account.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    account.user.save(update_fields=["password"])


def seed() -> Account:
    referrer, _ = make_account(username="rahmat_affiliate_with_a_long_name_🌶️")
    with_password(referrer)
    friend, _ = make_account(username="friend_" + "x" * 60)
    sock, _ = make_account(username="sock_" + "y" * 60)
    affiliate = affiliate_for(referrer)
    Referral.objects.create(affiliate=affiliate, referred=friend, status=Referral.Status.TIED)
    Referral.objects.create(
        affiliate=affiliate,
        referred=sock,
        status=Referral.Status.REFUSED,
        refusal=Referral.Refusal.SAME_ADDRESS,
        ip="2001:db8:85a3:0000:0000:8a2e:0370:7334",
    )
    for amount in ("1234567.89", "400", "25"):
        deposit_funds(account_id=friend.pk, amount=Decimal(amount), acting_user=Actor.cli())
    Commission.objects.filter(base=Decimal("1234567.89")).update(available_at=timezone.now())
    request_payout(account_id=referrer.pk, details="USDT " + "T" * 80, acting_user=Actor.cli())
    return referrer


def shots_dir(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("SMMPANEL_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_the_affiliate_pages_fit_a_phone_in_every_language(panel_server, chromium, tmp_path):  # noqa: F811
    referrer = seed()
    context = chromium.new_context(viewport=PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=panel_server.url)
    page = context.new_page()
    page.goto(f"{panel_server.url}/accounts/login/")
    page.fill("#id_username", referrer.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{panel_server.url}/")
    for language, title in TITLES.items():
        Account.objects.filter(pk=referrer.pk).update(language=language)
        page.goto(f"{panel_server.url}/affiliates/")
        assert page.locator("h1").inner_text() == title
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"/affiliates/ in {language} is {width} px wide"
        link = page.locator("[data-testid=referral-link]").input_value()
        assert link.endswith(f"/ref/{affiliate_for(referrer).code}")
        page.click("[data-copy=referral-link]")
        page.wait_for_selector(f"[data-copy=referral-link]:has-text('{COPIED[language]}')")
        assert page.evaluate("navigator.clipboard.readText()") == link
        page.screenshot(
            path=str(shots_dir(tmp_path) / f"affiliates-phone-{language}.png"), full_page=True
        )
    context.close()

    operator = get_user_model().objects.create_superuser(username="operator")
    operator.password = make_password("op-pass-123", hasher="pbkdf2_sha256")
    operator.save(update_fields=["password"])
    staff = chromium.new_page(viewport=PHONE)
    staff.goto(f"{panel_server.url}/admin/login/?next=/backoffice/")
    staff.fill("#id_username", "operator")
    staff.fill("#id_password", "op-pass-123")
    staff.click("input[type=submit]")
    staff.wait_for_url(f"{panel_server.url}/backoffice/")
    for language, title in TITLES.items():
        staff.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": panel_server.url}]
        )
        staff.goto(f"{panel_server.url}/backoffice/affiliates/")
        assert staff.locator("h1").inner_text() == title
        width = staff.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"/backoffice/affiliates/ in {language} is {width} px wide"
        staff.screenshot(
            path=str(shots_dir(tmp_path) / f"backoffice-affiliates-phone-{language}.png"),
            full_page=True,
        )
    staff.close()
