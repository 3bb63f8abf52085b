"""Every page shows money through `smmpanel.money.shown`: the header's balance and the pages'
amounts have the same digits, the currency's decimals (IDR and VND none)."""

import re
from decimal import Decimal

import pytest

from smmpanel.accounts import ledger
from smmpanel.orders.placement import place_order
from tests.factories import make_service


def header_balance(page: str) -> str:
    return re.search(r'data-testid="balance">([^<]*)<', page).group(1)


def test_the_header_and_the_pages_show_the_balance_with_the_same_digits(browser, customer):
    # 100 - 0.27819 leaves 99.72181: five decimals stored, two shown everywhere.
    service = make_service(rate=Decimal("0.27819"), min_quantity=1)
    place_order(
        account=customer, service=service, params={"link": "https://x.com/a", "quantity": "1000"}
    )
    page = browser.get("/transactions/").content.decode()
    assert header_balance(page) == "99.72 USD"
    assert "99.72 USD" in page.split('data-testid="balance"')[1]
    assert "99.72181" not in page
    assert "-0.28 USD" in page
    orders = browser.get("/orders/").content.decode()
    assert header_balance(orders) == "99.72 USD" and ">0.28 USD<" in orders


@pytest.mark.parametrize(("currency", "language"), [("IDR", "id"), ("VND", "vi")])
def test_idr_and_vnd_are_shown_without_decimals(browser, customer, settings, currency, language):
    settings.CURRENCY = currency
    ledger.deposit(account=customer, amount=Decimal("1234567.4"), reason="test")
    service = make_service(rate=Decimal("1500.5"), min_quantity=1)
    data = {"service": service.pk, "link": "https://x.com/a", "quantity": "1000"}
    page = browser.post("/", data, follow=True, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    # 100 + 1,234,567.4 - 1,500.5 = 1,233,166.9
    assert header_balance(page) == f"1.233.167 {currency}"
    assert f"1.501 {currency}; " in page and f"1.233.167 {currency}." in page
    assert "1.233.166,9" not in page
    page = browser.get("/transactions/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"1.233.167 {currency}" in page and f"-1.501 {currency}" in page
