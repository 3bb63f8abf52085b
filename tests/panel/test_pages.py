"""Every customer page answers, for a logged-in customer, in each language."""

import pytest

from tests.factories import make_service

PAGES = [
    "/",
    "/mass-order/",
    "/orders/",
    "/refills/",
    "/services/",
    "/funds/",
    "/transactions/",
    "/api-access/",
    "/accounts/profile/",
    "/accounts/password/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_for_a_customer(browser, bank, path):
    make_service(name="Instagram Followers", description="Real followers")
    response = browser.get(path)
    assert response.status_code == 200
    assert b"<html" in response.content
