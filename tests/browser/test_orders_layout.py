"""The orders list measured in a real browser: badges stay inside their cells on a desktop, every
status tab is readable on a phone, and a row with nothing to do has no empty Actions line."""

from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password

from smmpanel.accounts.registration import create_account
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.placement import place_order
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_service

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long Passphrase 42"
LANGUAGES = ["en", "id", "vi"]


def logged_in(chromium, url: str, viewport: dict, language: str):
    account, _ = create_account(username=f"tuan-{language}", balance=Decimal("1000000"))
    account.user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    account.user.save(update_fields=["password"])
    context = chromium.new_context(viewport=viewport, locale=language)
    page = context.new_page()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", account.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    page.select_option("#language-select", language)
    page.click("footer button[type=submit]")
    page.wait_for_load_state()
    return account, page


def overflow(page, selector: str) -> list[str]:
    """The elements matching `selector` that stick out of their table cell, with figures."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].flatMap(element => {
            const cell = element.closest('td').getBoundingClientRect();
            const box = element.getBoundingClientRect();
            return box.left < cell.left - 0.5 || box.right > cell.right + 0.5
                ? [`${element.textContent}: ${box.left}-${box.right} in ${cell.left}-${cell.right}`]
                : [];
        })""",
        selector,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_cancel_requested_badge_stays_in_its_cell_at_1280(panel_server, chromium, language):
    account, page = logged_in(chromium, panel_server.url, DESKTOP, language)
    service = make_service(name="Instagram Followers " + "Real " * 30, cancel=True)
    order = place_order(
        account=account,
        service=service,
        params={"link": "https://instagram.com/" + "a" * 120, "quantity": "100"},
    )
    request_cancel(account=account, order=order)
    drip = make_service(name="Followers", cancel=True, dripfeed=True, rate=Decimal("123456.789"))
    place_order(
        account=account,
        service=drip,
        params={
            "link": "https://instagram.com/x",
            "quantity": "100",
            "runs": "4",
            "interval": "30",
        },
    )
    page.goto(f"{panel_server.url}/orders/")
    assert page.get_by_test_id(f"cancel-requested-{order.pk}").is_visible()
    assert overflow(page, "td .badge") == []
    assert page.locator(".table-wrap").evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_status_tab_is_fully_visible_at_360(panel_server, chromium, language):
    _, page = logged_in(chromium, panel_server.url, PHONE, language)
    page.goto(f"{panel_server.url}/orders/")
    tabs = page.locator("nav.tabs")
    assert tabs.evaluate("nav => nav.scrollWidth <= nav.clientWidth")
    hidden = tabs.evaluate(
        """nav => {
            const frame = nav.getBoundingClientRect();
            return [...nav.querySelectorAll('a')].filter(tab => {
                const box = tab.getBoundingClientRect();
                return box.left < frame.left || box.right > frame.right + 0.5
                    || tab.scrollWidth > tab.clientWidth;
            }).map(tab => tab.textContent);
        }"""
    )
    assert hidden == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_row_with_nothing_to_do_shows_no_actions_line_on_a_phone(panel_server, chromium):
    account, page = logged_in(chromium, panel_server.url, PHONE, "en")
    idle = place_order(
        account=account,
        service=make_service(cancel=False),
        params={"link": "https://instagram.com/idle", "quantity": "100"},
    )
    busy = place_order(
        account=account,
        service=make_service(cancel=True),
        params={"link": "https://instagram.com/busy", "quantity": "100"},
    )
    page.goto(f"{panel_server.url}/orders/")
    idle_actions = page.locator(f"tr[data-order='{idle.pk}'] td[data-label='Actions']")
    busy_actions = page.locator(f"tr[data-order='{busy.pk}'] td[data-label='Actions']")
    assert not idle_actions.is_visible()
    assert busy_actions.is_visible()
    assert page.get_by_test_id(f"cancel-{busy.pk}").is_visible()
