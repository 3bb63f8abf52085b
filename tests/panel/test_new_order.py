"""New order: the type's fields, the live preview by the API's own checks, placing, errors."""

import re
from decimal import Decimal

import pytest

from smmpanel.accounts.actions import suspend_account
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order
from smmpanel.orders.validation import check_order, validate_order
from tests.factories import make_account, make_service

HTMX = {"HTTP_HX_REQUEST": "true"}


def balance(account: Account) -> Decimal:
    account.refresh_from_db()
    return account.balance


def test_default_order_is_placed_and_charged_like_the_api(browser, customer):
    service = make_service(rate=Decimal("0.90"))
    response = browser.post(
        "/", {"service": service.pk, "link": "https://instagram.com/alice", "quantity": "1000"}
    )
    order = Order.objects.get(account=customer)
    assert response.status_code == 302
    assert response["Location"] == f"/?service={service.pk}"
    expected = validate_order(
        service, {"link": "https://instagram.com/alice", "quantity": "1000"}
    ).charge
    assert order.charge == expected == Decimal("0.90")
    assert balance(customer) == Decimal("100") - expected
    page = browser.get(response["Location"])
    assert f"Order {order.pk} received" in page.content.decode()


def test_the_form_shows_exactly_the_fields_of_the_type(browser):
    comments = make_service(type=OrderType.CUSTOM_COMMENTS, min_quantity=1, max_quantity=100)
    drip = make_service(dripfeed=True)
    subscription = make_service(type=OrderType.SUBSCRIPTIONS)

    page = browser.get("/order/fields/", {"service": comments.pk}, **HTMX).content.decode()
    assert 'name="comments"' in page and 'name="link"' in page
    assert 'name="quantity"' not in page and 'name="runs"' not in page

    page = browser.get("/order/fields/", {"service": drip.pk}, **HTMX).content.decode()
    assert 'name="quantity"' in page and 'name="runs"' in page and 'name="interval"' in page

    page = browser.get("/order/fields/", {"service": subscription.pk}, **HTMX).content.decode()
    for name in ("username", "min", "max", "posts", "delay", "expiry"):
        assert f'name="{name}"' in page
    assert 'name="link"' not in page and 'name="quantity"' not in page


def test_preview_shows_the_charge_the_api_would_take(browser):
    service = make_service(rate=Decimal("0.27819"), dripfeed=True, min_quantity=10)
    data = {
        "service": service.pk,
        "link": "https://x.com/a",
        "quantity": "100",
        "runs": "5",
        "interval": "30",
    }
    page = browser.post("/order/preview/", data, **HTMX).content.decode()
    charge = validate_order(service, {k: str(v) for k, v in data.items()}).charge
    assert charge == Decimal("0.13910")
    # Shown with the currency's decimals, as every amount of the panel.
    assert '<span data-testid="charge">0.14 USD</span>' in page
    assert not Order.objects.exists()


def test_preview_explains_the_first_problem(browser):
    service = make_service(min_quantity=50)
    data = {"service": service.pk, "link": "https://x.com/a", "quantity": "10"}
    page = browser.post("/order/preview/", data, **HTMX).content.decode()
    assert "Quantity less than minimal 50" in page


def test_errors_are_shown_beside_their_field_and_nothing_is_charged(browser, customer):
    service = make_service(min_quantity=50)
    response = browser.post("/", {"service": service.pk, "link": "not a link", "quantity": "10"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["link"] == ["Incorrect link"]
    assert 'aria-invalid="true"' in response.content.decode()
    response = browser.post(
        "/", {"service": service.pk, "link": "https://x.com/a", "quantity": "1"}
    )
    assert response.context["form"].errors["quantity"] == ["Quantity less than minimal 50"]
    assert not Order.objects.exists()
    assert balance(customer) == Decimal("100")


def test_not_enough_funds_is_a_form_error(browser, customer):
    service = make_service(rate=Decimal("1000"), max_quantity=100000)
    response = browser.post(
        "/", {"service": service.pk, "link": "https://x.com/a", "quantity": "1000"}
    )
    assert "Not enough funds on balance" in response.context["form"].non_field_errors()
    assert not Order.objects.exists()


def test_emoji_comments_are_kept_exactly(browser, customer):
    service = make_service(type=OrderType.CUSTOM_COMMENTS, min_quantity=1, max_quantity=100)
    comments = "Keren banget 🔥🔥\r\nĐẹp quá 😍 <b>wow</b>\r\n👍"
    response = browser.post(
        "/", {"service": service.pk, "link": "https://instagram.com/p/1", "comments": comments}
    )
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.details["comments"] == "Keren banget 🔥🔥\nĐẹp quá 😍 <b>wow</b>\n👍"
    assert order.quantity == 3
    page = browser.get("/orders/").content.decode()
    assert "Đẹp quá 😍 &lt;b&gt;wow&lt;/b&gt;" in page


def test_dripfeed_order_charges_quantity_times_runs(browser, customer):
    service = make_service(rate=Decimal("1"), dripfeed=True)
    data = {"service": service.pk, "link": "https://x.com/a", "quantity": "100", "runs": "5"}
    data["interval"] = "15"
    assert browser.post("/", data).status_code == 302
    order = Order.objects.get()
    assert (order.quantity, order.runs, order.interval) == (100, 5, 15)
    assert order.charge == Decimal("0.5")
    page = browser.get("/orders/").content.decode()
    assert "Drip-feed: 100 × 5 runs, every 15 min" in page


def test_provider_text_is_escaped(browser):
    service = make_service(
        name='<script>alert("name")</script>', description="<img src=x onerror=alert(1)>"
    )
    for page in (
        browser.get("/", {"service": service.pk}),
        browser.get("/services/"),
        browser.get("/order/fields/", {"service": service.pk}, **HTMX),
    ):
        html = page.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html or (
            "&lt;img src=x" in html
        )


def test_a_300_character_name_renders_everywhere(browser, customer):
    name = "Instagram Followers " + "🚀 Super fast real HQ " * 14
    name = name[:300]
    service = make_service(name=name)
    browser.post("/", {"service": service.pk, "link": "https://x.com/a", "quantity": "100"})
    for path in ("/", "/services/", "/orders/", f"/?service={service.pk}"):
        response = browser.get(path)
        assert response.status_code == 200
        assert name in response.content.decode()


def test_the_page_starts_with_one_category_and_the_search_spans_all(browser):
    first = make_service(name="Instagram Likes Indo", category="Instagram")
    second = make_service(name="TikTok Likes Indo", category="TikTok")
    page = browser.get("/").content.decode()
    assert first.name in page and second.name not in page
    page = browser.get(f"/?service={second.pk}").content.decode()
    assert second.name in page and first.name not in page
    options = browser.get(
        "/order/services/", {"category": first.category_id, "q": "likes indo"}, **HTMX
    ).content.decode()
    assert first.name in options and second.name in options


def test_service_search_finds_by_name_and_id(browser):
    wanted = make_service(name="TikTok Views Murah", category="TikTok")
    other = make_service(name="Instagram Likes")
    page = browser.get("/order/services/", {"q": "views murah"}, **HTMX).content.decode()
    assert wanted.name in page and other.name not in page
    page = browser.get("/order/services/", {"q": str(other.pk)}, **HTMX).content.decode()
    assert other.name in page
    page = browser.get(
        "/order/services/", {"category": wanted.category_id, "q": ""}, **HTMX
    ).content.decode()
    assert wanted.name in page and other.name not in page


def test_a_suspended_customer_can_not_order(browser, customer):
    suspend_account(account_id=customer.pk, acting_user=Actor.system())
    service = make_service()
    response = browser.post(
        "/", {"service": service.pk, "link": "https://x.com/a", "quantity": "100"}
    )
    assert "Your account is suspended" in response.content.decode()
    assert not Order.objects.exists()


@pytest.mark.parametrize("path", ["/", "/orders/", "/funds/", "/api-access/", "/transactions/"])
def test_pages_need_a_login(client, db, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_services_page_is_public(client, db):
    make_service(name="Public price list item")
    assert "Public price list item" in client.get("/services/").content.decode()


def test_an_operator_without_account_is_told_so(client, db, django_user_model):
    operator = django_user_model.objects.create_user("operator", password="x")
    client.force_login(operator)
    assert client.get("/").status_code == 403


def test_another_customers_balance_is_not_touched(browser, customer):
    other, _ = make_account("50")
    service = make_service()
    browser.post("/", {"service": service.pk, "link": "https://x.com/a", "quantity": "100"})
    assert balance(other) == Decimal("50")


@pytest.mark.parametrize("order_type", OrderType.values)
def test_every_order_type_has_its_form(browser, order_type):
    from smmpanel.catalog.order_types import PACKAGE_TYPES, Quantity, spec_for

    spec = spec_for(order_type)
    limits = (1, 1) if order_type in PACKAGE_TYPES else (1, 1000)
    service = make_service(
        type=order_type, min_quantity=limits[0], max_quantity=limits[1], dripfeed=True
    )
    page = browser.get("/order/fields/", {"service": service.pk}, **HTMX).content.decode()
    expected = {field.name for field in spec.fields}
    if spec.link:
        expected.add("link")
    if spec.quantity == Quantity.GIVEN:
        expected.add("quantity")
    if spec.runs:
        expected |= {"runs", "interval"}
    shown = set(re.findall(r'name="(\w+)"', page))
    assert shown == expected
    for name in expected:
        assert f'for="id_{name}"' in page  # every field has its label


def test_a_subscription_and_a_web_traffic_order_through_the_form(browser, customer):
    from django.utils import timezone

    subscription = make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("1"))
    expiry = (timezone.localdate() + timezone.timedelta(days=10)).strftime("%d/%m/%Y")
    data = {
        "service": subscription.pk,
        "username": "alice",
        "min": "100",
        "max": "200",
        "posts": "5",
        "delay": "30",
        "expiry": expiry,
    }
    assert browser.post("/", data).status_code == 302
    order = Order.objects.get(service=subscription)
    assert order.details["delay"] == 30 and order.details["expiry"] == expiry
    assert order.charge == Decimal("1")  # 5 posts of at most 200, 1 per 1000

    traffic = make_service(type=OrderType.WEB_TRAFFIC, rate=Decimal("0.4"), dripfeed=True)
    data = {
        "service": traffic.pk,
        "link": "https://example.com",
        "quantity": "1000",
        "country": "ID",
        "device": "2",
        "type_of_traffic": "1",
        "google_keyword": "jasa smm murah",
    }
    assert browser.post("/", data).status_code == 302
    order = Order.objects.get(service=traffic)
    assert order.details["device"] == 2 and order.details["google_keyword"] == "jasa smm murah"


def test_a_live_part_sends_a_logged_out_browser_to_the_login_page(client, db):
    response = client.post("/order/preview/", {}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


def test_the_confirmation_says_the_charge_the_link_and_the_new_balance(browser, customer):
    service = make_service(rate=Decimal("0.90"), name="Followers HQ")
    data = {"service": service.pk, "link": "https://instagram.com/alice", "quantity": "1500"}
    page = browser.post("/", data, follow=True).content.decode()
    order = Order.objects.get(account=customer)
    assert (
        f"Order {order.pk} received: 1500 × Followers HQ for https://instagram.com/alice. "
        "Charged 1.35 USD; your balance is now 98.65 USD."
    ) in page
    # The header shows the same digits as the message.
    assert 'data-testid="balance">98.65 USD<' in page


def test_every_invalid_field_is_reported_at_once(browser, customer):
    service = make_service(min_quantity=50, dripfeed=True)
    data = {"service": service.pk, "link": "not a link", "quantity": "10", "runs": "1"}
    data["interval"] = "0"
    form = browser.post("/", data).context["form"]
    assert form.errors == {
        "link": ["Incorrect link"],
        "quantity": ["Quantity less than minimal 50"],
        "runs": ["Incorrect runs: a whole number from 2 to 1000"],
    }
    comments = make_service(type=OrderType.CUSTOM_COMMENTS, min_quantity=1, max_quantity=10)
    data = {"service": comments.pk, "link": "not a link", "comments": "\n".join(["a"] * 11)}
    form = browser.post("/", data).context["form"]
    assert set(form.errors) == {"link", "comments"}
    page = browser.post("/order/preview/", data, **HTMX).content.decode()
    assert "Incorrect link" in page and "Quantity more than maximal 10" in page
    assert not Order.objects.exists()


def test_the_api_still_answers_the_first_problem_only(customer):
    service = make_service(min_quantity=50)
    params = {"link": "not a link", "quantity": "10"}
    with pytest.raises(OrderError) as refused:
        validate_order(service, params)
    assert refused.value.code == OrderErrorCode.INCORRECT_LINK
    checked = check_order(service, params)
    assert [error.code for error in checked.errors] == [
        OrderErrorCode.INCORRECT_LINK,
        OrderErrorCode.QUANTITY_TOO_SMALL,
    ]
    assert checked.draft is None


def test_the_expiry_is_a_date_picker_and_reaches_the_order_as_the_protocol_writes_it(
    browser, customer
):
    from django.utils import timezone

    subscription = make_service(type=OrderType.SUBSCRIPTIONS, rate=Decimal("1"))
    page = browser.get("/", {"service": subscription.pk}).content.decode()
    today = timezone.localdate()
    assert re.search(rf'<input type="date" name="expiry"[^>]* min="{today.isoformat()}"', page)
    picked = today + timezone.timedelta(days=10)
    data = {
        "service": subscription.pk,
        "username": "alice",
        "min": "100",
        "max": "200",
        "posts": "5",
        "expiry": picked.isoformat(),
    }
    assert browser.post("/", data).status_code == 302
    assert Order.objects.get().details["expiry"] == picked.strftime("%d/%m/%Y")
    data["expiry"] = (today - timezone.timedelta(days=1)).isoformat()
    assert browser.post("/", data).context["form"].errors["expiry"]


def test_an_order_at_a_tiny_rate_is_not_free_on_the_form(browser, customer):
    service = make_service(rate=Decimal("0.001"), min_quantity=1)
    params = {"link": "https://instagram.com/alice", "quantity": "3"}
    browser.post("/", {"service": service.pk, **params})
    assert Order.objects.get(account=customer).charge == Decimal("0.00001")
    assert balance(customer) == Decimal("99.99999")
