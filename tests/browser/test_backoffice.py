"""The back-office in a real browser against `smmpanel serve`: an operator logs in, cancels and
refunds two orders with the checkboxes and htmx, at phone width; screenshots of the dashboard
and the orders page at phone and desktop widths (into $SMMPANEL_SCREENSHOT_DIR when set)."""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.catalog.models import ServiceRoute
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from smmpanel.providers.keys import encrypt_key
from smmpanel.providers.models import Provider, ProviderService
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_account, make_product, make_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]


def seed_month() -> list[Order]:
    """Thirty days of orders (some finished), a 300-character name and an emoji comment."""
    account, _ = make_account("500", username="reseller_🌶️")
    likes = make_service(name="Instagram Likes [Real] ⚡ " + "Fast " * 58, rate=Decimal("0.9"))
    comments = make_service(
        name="Instagram Custom Comments 💬",
        type=OrderType.CUSTOM_COMMENTS,
        rate=Decimal("12"),
        min_quantity=1,
        max_quantity=100,
    )
    now = timezone.now()
    placed = []
    for day in range(30):
        for n in range(1 + day % 4):
            order = place_order(
                account=account,
                service=likes,
                params={"link": f"https://instagram.com/p/{day}-{n}", "quantity": "1000"},
            )
            when = now - timedelta(days=29 - day, hours=n)
            Order.objects.filter(pk=order.pk).update(created_at=when)
            LedgerEntry.objects.filter(order=order).update(created_at=when)
            placed.append(order)
    for order in placed[:-8]:
        apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    place_order(
        account=account,
        service=comments,
        params={
            "link": "https://instagram.com/p/emoji",
            "comments": "🔥🔥🔥 Great post!!! 😍😍😍\n" + "🎉" * 120 + "\nSuper 👍",
        },
    )
    ledger.deposit(account=account, amount=Decimal("50"), reason="top-up")
    return placed[-8:]


@pytest.fixture
def operator_page(chromium, panel_server):
    # The server checks passwords with the production hashers, not the tests' fast one.
    user = get_user_model().objects.create_superuser(username="operator")
    user.password = make_password("op-pass-123", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    page = chromium.new_page(viewport=PHONE)
    page.goto(f"{panel_server.url}/admin/login/?next=/backoffice/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "op-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{panel_server.url}/backoffice/")
    return page


def shots_dir(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("SMMPANEL_SCREENSHOT_DIR") or tmp_path)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def test_operator_cancels_two_orders_with_htmx_on_a_phone(operator_page, panel_server, tmp_path):
    open_orders = seed_month()
    first, second = open_orders[-1], open_orders[-2]
    account = first.account
    account.refresh_from_db()
    before = account.balance
    page = operator_page
    page.goto(f"{panel_server.url}/backoffice/orders/?status=Pending")
    # Nothing is wider than the phone: tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.check(f"#order-{first.pk}")
    page.check(f"#order-{second.pk}")
    page.select_option("#bulk_action", "cancel")
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("#bulk-report li.done")
    report = page.inner_text("#bulk-report")
    assert f"Order {first.pk}" in report and f"Order {second.pk}" in report
    assert page.url.endswith("/backoffice/orders/?status=Pending")  # htmx: no navigation
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELED
    account.refresh_from_db()
    assert account.balance == before + Decimal("1.8")
    assert ledger.audit() == []

    directory = shots_dir(tmp_path)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        for screen in ("dashboard", "orders"):
            path = "/backoffice/" if screen == "dashboard" else "/backoffice/orders/"
            page.goto(f"{panel_server.url}{path}")
            shot = directory / f"backoffice-{screen}-{name}.png"
            # The whole dashboard; the orders page as far as the screen shows (it is long).
            page.screenshot(path=str(shot), full_page=screen == "dashboard")
            if name == "phone":
                assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert len(list(directory.glob("backoffice-*.png"))) >= 4


def test_provider_route_and_product_pages_fit_a_phone(operator_page, panel_server):
    """The pages that replaced the admin's provider, route and product forms, at 360 px, with
    long names and a long URL."""
    long_name = "Netflix Premium 4K UHD [1 month] 🎬 " + "★" * 80
    provider = Provider.objects.create(
        name="upstream-" + "x" * 80,
        url="https://provider.example/api/v2/" + "a" * 150,
        key_encrypted=encrypt_key("k"),
        key_hint="k…",
        balance=Decimal(5),
    )
    upstream = ProviderService.objects.create(
        provider=provider,
        service_id="1",
        name=long_name,
        type="Default",
        category="Instagram",
        rate=Decimal("0.9"),
        min_quantity=10,
        max_quantity=1000,
    )
    service = make_service(name=long_name)
    ServiceRoute.objects.create(service=service, provider_service=upstream, priority=1)
    product = make_product(stock=2, name=long_name, require="Your account " + "e" * 100)
    page = operator_page
    for path in (
        reverse("backoffice:products"),
        reverse("backoffice:product_create"),
        reverse("backoffice:product_edit", args=[product.pk]),
        reverse("backoffice:providers"),
        reverse("backoffice:provider_edit", args=[provider.pk]),
        reverse("backoffice:service_edit", args=[service.pk]),
    ):
        page.goto(f"{panel_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width} px wide"
    page.goto(f"{panel_server.url}{reverse('backoffice:product_edit', args=[product.pk])}")
    page.fill("#id_items", "code-1\ncode-2")
    page.click("text=Add stock")
    page.wait_for_selector("text=4 items in stock.")
