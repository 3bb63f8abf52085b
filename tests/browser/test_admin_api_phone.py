"""The operator's Admin API page at 360 px: issuing a key shows it once, and nothing (the key,
the endpoint's address) makes the page wider than the screen."""

import pytest

from smmpanel.adminapi.keys import authenticate_staff_key
from tests.browser.conftest import PHONE
from tests.browser.test_backoffice import operator_page  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_operator_issues_a_key_on_a_phone(operator_page, panel_server):  # noqa: F811
    page = operator_page
    page.goto(f"{panel_server.url}/backoffice/admin-api/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.click("button:has-text('Issue a key')")
    key = page.locator(".key").inner_text().strip()
    assert authenticate_staff_key(key).get_username() == "operator"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()
