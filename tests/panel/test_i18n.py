"""Every page in English, Indonesian and Vietnamese; money per currency; the API stays English."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

import smmpanel
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from tests.factories import make_service

PO_FILES = sorted(Path(smmpanel.__file__).parent.glob("*/locale/*/LC_MESSAGES/django.po"))


def test_there_are_translations_for_both_languages_of_each_app():
    apps = {(path.parts[-5], path.parts[-3]) for path in PO_FILES}
    for app in ("panel", "payments", "orders", "accounts"):
        assert {(app, "id"), (app, "vi")} <= apps
    for path in PO_FILES:
        assert path.with_suffix(".mo").exists(), f"{path} is not compiled"


@pytest.mark.parametrize("path", PO_FILES, ids=lambda p: "/".join(p.parts[-5:-2]))
def test_every_message_is_translated(path):
    text = path.read_text(encoding="utf-8")
    # An entry whose msgstr is empty ends with it (a translation continues on more lines).
    untranslated = [
        entry
        for entry in text.split("\n\n")[1:]
        if entry.strip().splitlines()[-1:] in (['msgstr ""'], ['msgstr[0] ""'])
    ]
    assert not untranslated
    assert "#, fuzzy" not in text


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["New order", "Place order", "Add funds"]),
        ("id", ["Pesanan baru", "Pesan sekarang", "Tambah saldo"]),
        ("vi", ["Đơn hàng mới", "Đặt hàng", "Nạp tiền"]),
    ],
)
def test_the_browser_language_picks_the_page_language(browser, language, words):
    page = browser.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in page
    for word in words:
        assert word in page


def test_domain_errors_and_statuses_are_translated(browser, customer):
    service = make_service(min_quantity=50)
    response = browser.post(
        "/",
        {"service": service.pk, "link": "https://x.com/a", "quantity": "1"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.context["form"].errors["quantity"] == ["Số lượng nhỏ hơn mức tối thiểu 50"]
    order = place_order(
        account=customer, service=service, params={"link": "https://x.com/a", "quantity": "100"}
    )
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, start_count=1, remains=0)
    page = browser.get("/orders/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Selesai" in page


def test_the_language_switch_is_remembered(browser, customer):
    response = browser.post("/language/", {"language": "vi", "next": "/orders/"})
    assert response["Location"] == "/orders/"
    customer.refresh_from_db()
    assert customer.language == "vi"
    assert "Đơn hàng" in browser.get("/orders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = browser.post("/language/", {"language": "id", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def render_money(amount: str, language: str, tag: str = "money") -> str:
    with translation.override(language):
        template = Template(f"{{% load money %}}{{{{ value|{tag} }}}}")
        return template.render(Context({"value": Decimal(amount)}))


@pytest.mark.parametrize(
    ("currency", "language", "amount", "shown"),
    [
        ("USD", "en", "1234.5", "1,234.50 USD"),
        ("USD", "en", "0.27819", "0.28 USD"),
        ("USD", "en", "-0.00028", "-0.00028 USD"),
        ("USD", "en", "0.000", "0.00 USD"),
        ("USD", "id", "-1234567.891", "-1.234.567,89 USD"),
        ("IDR", "id", "1500000", "1.500.000 IDR"),
        ("IDR", "en", "15000.00000", "15,000 IDR"),
        ("IDR", "en", "14999.5", "15,000 IDR"),
        ("VND", "vi", "250000", "250.000 VND"),
        ("VND", "vi", "2.5", "3 VND"),
    ],
)
def test_money_is_shown_per_currency(db, settings, currency, language, amount, shown):
    settings.CURRENCY = currency
    assert render_money(amount, language) == shown


@pytest.mark.parametrize(
    ("currency", "language", "amount", "shown"),
    [
        ("USD", "en", "0.27819", "0.27819 USD"),
        ("USD", "en", "1200", "1,200.00 USD"),
        ("VND", "vi", "2.5", "2,5 VND"),
    ],
)
def test_a_rate_keeps_every_digit_it_has(db, settings, currency, language, amount, shown):
    settings.CURRENCY = currency
    assert render_money(amount, language, "exact_money") == shown


def test_idr_balance_on_the_page_has_no_decimals(browser, customer, settings):
    settings.CURRENCY = "IDR"
    page = browser.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "100 IDR" in page and "100,00" not in page


def test_the_api_answers_in_english_whatever_the_language(client, customer):
    from smmpanel.accounts.keys import issue_api_key

    key = issue_api_key(account=customer)
    response = client.post(
        "/api/v2",
        {"key": key, "action": "add", "service": "999999", "link": "x"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.json() == {"error": "Incorrect service ID"}
    assert "Content-Language" not in response
