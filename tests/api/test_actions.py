"""Every API v2 action through real HTTP against `smmpanel serve`: exact reply shapes and values,
every refusal with the protocol's wording, and that a refusal changes nothing."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from django.utils import timezone

from smmpanel.accounts.actions import suspend_account
from smmpanel.accounts.ledger import ledger_total
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Product, ProductItem, Service
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import (
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
    ProductOrder,
    Refill,
    RefillStatus,
)
from smmpanel.orders.product_orders import apply_product_status
from smmpanel.orders.refills import report_refill_status
from smmpanel.orders.status import apply_status
from tests.conftest import serving
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db(transaction=True)

JSON = "application/json; charset=utf-8"
LINK = "https://instagram.com/natgeo"
MISSING_ID = "999999999"
INJECTION = "abc'; drop table"


def reply_of(response: httpx.Response) -> Any:
    """The JSON of an API reply, which is always HTTP 200 and always JSON."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@dataclass
class Customer:
    account: Account
    key: str
    http: httpx.Client
    url: str

    def __call__(self, action: str, **params: object) -> Any:
        """POST a classic form request (the dialect of 001 smm.plus) and return the reply."""
        data = {"key": self.key, "action": action, **{k: str(v) for k, v in params.items()}}
        return reply_of(self.http.post(self.url, data=data))

    @property
    def balance(self) -> Decimal:
        return Account.objects.get(pk=self.account.pk).balance

    def state(self) -> dict[str, object]:
        """Everything a refused request must leave as it was."""
        return {
            "balance": self.balance,
            "orders": Order.objects.count(),
            "ledger": LedgerEntry.objects.count(),
            "refills": Refill.objects.count(),
            "cancels": CancelRequest.objects.count(),
            "product_orders": ProductOrder.objects.count(),
            "delivered": ProductItem.objects.filter(product_order__isnull=False).count(),
            "statuses": list(Order.objects.order_by("pk").values_list("status", flat=True)),
        }


@pytest.fixture
def new_customer(panel_server, http) -> Callable[..., Customer]:
    def create(balance: str = "100") -> Customer:
        account, key = make_account(balance)
        return Customer(account=account, key=key, http=http, url=panel_server.api)

    return create


@pytest.fixture
def customer(new_customer) -> Customer:
    return new_customer("100")


def place(customer: Customer, service: Service, quantity: int = 1000, **params: object) -> int:
    reply = customer("add", service=service.pk, link=LINK, quantity=quantity, **params)
    assert list(reply) == ["order"] and isinstance(reply["order"], int), reply
    return reply["order"]


def disable(service: Service) -> Service:
    service.active = False
    service.save()
    return service


# --- services -------------------------------------------------------------------------------
def test_services_lists_each_active_service_in_the_exact_protocol_shape(customer):
    followers = make_service(
        name="Followers",
        category="First Category",
        rate=Decimal("0.90"),
        min_quantity=50,
        max_quantity=10000,
        refill=True,
        cancel=True,
    )
    comments = make_service(
        name="Comments",
        category="Second Category",
        type=OrderType.CUSTOM_COMMENTS,
        rate=Decimal("0.27819"),
        min_quantity=10,
        max_quantity=1500,
        dripfeed=True,
        description="One comment per line",
    )
    comments.average_time = 25
    comments.save()
    disable(make_service(name="Hidden"))

    assert customer("services") == [
        {
            "service": followers.pk,
            "name": "Followers",
            "type": "Default",
            "category": "First Category",
            "rate": "0.90",
            "min": "50",
            "max": "10000",
            "refill": True,
            "cancel": True,
            "dripfeed": False,
            "desc": "",
        },
        {
            "service": comments.pk,
            "name": "Comments",
            "type": "Custom Comments",
            "category": "Second Category",
            "rate": "0.27819",
            "min": "10",
            "max": "1500",
            "refill": False,
            "cancel": False,
            "dripfeed": True,
            "desc": "One comment per line",
            "average_time": "25",
        },
    ]


def test_services_follows_catalog_changes_at_once(customer):
    service = make_service(rate=Decimal("1"))
    other = make_service()
    # Several calls, so that each server worker has the catalog cached.
    for _ in range(4):
        assert [item["rate"] for item in customer("services")] == ["1.00", "0.90"]
    service.rate = Decimal("1.5")
    service.save()
    for _ in range(4):
        assert [item["rate"] for item in customer("services")] == ["1.50", "0.90"]
    disable(other)
    for _ in range(4):
        assert [item["service"] for item in customer("services")] == [service.pk]


def test_services_with_an_empty_catalog_is_an_empty_list(customer):
    assert customer("services") == []


# --- add: every order type ------------------------------------------------------------------
def future_expiry() -> str:
    return (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")


ADD_CASES = [
    pytest.param(
        {"rate": Decimal("0.27819")},
        {"link": LINK, "quantity": "123"},
        {"quantity": 123, "charge": "0.03422", "link": LINK},
        id="Default",
    ),
    pytest.param(
        {"rate": Decimal("0.00005"), "min_quantity": 1},
        {"link": LINK, "quantity": "100"},
        # 0.000005 rounds up to 0.00001 (half-even would give 0).
        {"quantity": 100, "charge": "0.00001"},
        id="Default-half-unit",
    ),
    pytest.param(
        {"rate": Decimal("0.001"), "min_quantity": 1},
        {"link": LINK, "quantity": "1"},
        # 0.000001: an order is never free at a positive rate; it costs the smallest amount.
        {"quantity": 1, "charge": "0.00001"},
        id="Default-rounded-up",
    ),
    pytest.param(
        {"rate": Decimal("0.001"), "min_quantity": 1, "dripfeed": True},
        {"link": LINK, "quantity": "2", "runs": "2", "interval": "5"},
        {"quantity": 2, "runs": 2, "interval": 5, "charge": "0.00001"},
        id="Default-dripfeed-rounded-up",
    ),
    pytest.param(
        {"rate": Decimal("0.9"), "dripfeed": True},
        {"link": LINK, "quantity": "100", "runs": "3", "interval": "10"},
        {"quantity": 100, "runs": 3, "interval": 10, "charge": "0.27"},
        id="Default-dripfeed",
    ),
    pytest.param(
        {"type": OrderType.PACKAGE, "rate": Decimal("2.5"), "min_quantity": 1, "max_quantity": 1},
        # A package's quantity is 1 whatever is sent.
        {"link": LINK, "quantity": "500"},
        {"quantity": 1, "charge": "2.50"},
        id="Package",
    ),
    pytest.param(
        {"type": OrderType.CUSTOM_COMMENTS, "rate": Decimal("8"), "min_quantity": 1},
        {"link": LINK, "comments": "Отлично! 👍\r\n\r\n很好\n   \nçà va  "},
        {
            "quantity": 3,
            "charge": "0.024",
            "details": {"comments": "Отлично! 👍\n很好\nçà va"},
        },
        id="Custom Comments",
    ),
    pytest.param(
        {
            "type": OrderType.CUSTOM_COMMENTS_PACKAGE,
            "rate": Decimal("12.5"),
            "min_quantity": 1,
            "max_quantity": 1,
        },
        {"link": LINK, "comments": "first\nsecond"},
        {"quantity": 1, "charge": "12.50", "details": {"comments": "first\nsecond"}},
        id="Custom Comments Package",
    ),
    pytest.param(
        {"type": OrderType.MENTIONS_CUSTOM_LIST, "rate": Decimal("3"), "min_quantity": 1},
        {"link": LINK, "usernames": "alice\nbob\r\ncarol"},
        {"quantity": 3, "charge": "0.009", "details": {"usernames": "alice\nbob\ncarol"}},
        id="Mentions Custom List",
    ),
    pytest.param(
        {"type": OrderType.MENTIONS_HASHTAG, "rate": Decimal("1.2")},
        {"link": LINK, "quantity": "500", "hashtag": "#travel"},
        {"quantity": 500, "charge": "0.60", "details": {"hashtag": "#travel"}},
        id="Mentions Hashtag",
    ),
    pytest.param(
        {"type": OrderType.MENTIONS_USER_FOLLOWERS, "rate": Decimal("2")},
        {"link": LINK, "quantity": "1000", "username": "natgeo"},
        {"quantity": 1000, "charge": "2.00", "details": {"username": "natgeo"}},
        id="Mentions User Followers",
    ),
    pytest.param(
        {"type": OrderType.MENTIONS_MEDIA_LIKERS, "rate": Decimal("1.75")},
        {"link": LINK, "quantity": "200", "media": "https://instagram.com/p/Cx1"},
        {"quantity": 200, "charge": "0.35", "details": {"media": "https://instagram.com/p/Cx1"}},
        id="Mentions Media Likers",
    ),
    pytest.param(
        {"type": OrderType.COMMENT_LIKES, "rate": Decimal("0.33333")},
        {"link": LINK, "quantity": "70", "username": "someone"},
        # 0.0233331 rounds up.
        {"quantity": 70, "charge": "0.02334", "details": {"username": "someone"}},
        id="Comment Likes",
    ),
    pytest.param(
        {"type": OrderType.POLL, "rate": Decimal("0.5")},
        {"link": LINK, "quantity": "100", "answer_number": "2"},
        {"quantity": 100, "charge": "0.05", "details": {"answer_number": 2}},
        id="Poll",
    ),
    pytest.param(
        {"type": OrderType.INVITES_FROM_GROUPS, "rate": Decimal("10")},
        {"link": LINK, "quantity": "50", "groups": "https://t.me/a\nhttps://t.me/b"},
        {"quantity": 50, "charge": "0.50", "details": {"groups": "https://t.me/a\nhttps://t.me/b"}},
        id="Invites from Groups",
    ),
    pytest.param(
        {"type": OrderType.WEB_TRAFFIC, "rate": Decimal("0.1")},
        {
            "link": LINK,
            "quantity": "1000",
            "country": "US",
            "device": "5",
            "type_of_traffic": "1",
            "google_keyword": "best shoes",
        },
        {
            "quantity": 1000,
            "charge": "0.10",
            "details": {
                "country": "US",
                "device": 5,
                "type_of_traffic": 1,
                "google_keyword": "best shoes",
            },
        },
        id="Web Traffic",
    ),
    pytest.param(
        {"type": OrderType.WEB_TRAFFIC, "rate": Decimal("0.1"), "dripfeed": True},
        {
            "link": LINK,
            "quantity": "1000",
            "runs": "2",
            "interval": "60",
            "type_of_traffic": "2",
            "referring_url": "https://example.com/from",
        },
        {
            "quantity": 1000,
            "runs": 2,
            "interval": 60,
            "charge": "0.20",
            "details": {"type_of_traffic": 2, "referring_url": "https://example.com/from"},
        },
        id="Web Traffic-dripfeed",
    ),
]


def test_add_cases_cover_every_order_type():
    """A new order type gets its case here (Subscriptions have their own tests below)."""
    covered = {case.values[0].get("type", OrderType.DEFAULT) for case in ADD_CASES}
    assert covered | {OrderType.SUBSCRIPTIONS} == set(OrderType)


@pytest.mark.parametrize(("service_values", "params", "expected"), ADD_CASES)
def test_add_places_each_order_type_and_charges_it_exactly(
    customer, service_values, params, expected
):
    service = make_service(**service_values)
    reply = customer("add", service=service.pk, **params)

    assert list(reply) == ["order"] and isinstance(reply["order"], int)
    order = Order.objects.get(pk=reply["order"])
    charge = Decimal(expected["charge"])
    runs = expected.get("runs")
    assert (order.account_id, order.service_id) == (customer.account.pk, service.pk)
    assert (order.quantity, order.runs, order.interval) == (
        expected["quantity"],
        runs,
        expected.get("interval"),
    )
    assert order.charge == charge
    assert order.link == expected.get("link", params["link"])
    assert order.details == expected.get("details", {})
    assert customer.balance == Decimal("100") - charge
    assert list(LedgerEntry.objects.filter(order=order).values_list("kind", "amount")) == [
        ("charge", -charge)
    ]
    status = {
        "charge": expected["charge"],
        "start_count": "0",
        "status": "Pending",
        "remains": str(expected["quantity"] * (runs or 1)),
        "currency": "USD",
    }
    if runs:
        status |= {"runs": str(runs), "interval": str(expected["interval"])}
    assert customer("status", order=order.pk) == status


def subscription_service(**overrides: object) -> Service:
    values: dict = {
        "type": OrderType.SUBSCRIPTIONS,
        "rate": Decimal("0.5"),
        "min_quantity": 100,
        "max_quantity": 1000,
    }
    return make_service(**(values | overrides))


def test_add_subscription_pays_its_posts_at_their_largest_size_up_front(customer):
    service = subscription_service()
    expiry = future_expiry()
    reply = customer(
        "add",
        service=service.pk,
        username="natgeo",
        min="100",
        max="200",
        posts="10",
        old_posts="2",
        delay="30",
        expiry=expiry,
    )

    order = Order.objects.get(pk=reply["order"])
    assert reply == {"order": order.pk}
    assert (order.link, order.quantity, order.charge) == ("natgeo", 2000, Decimal("1.00"))
    assert order.details == {
        "username": "natgeo",
        "min": 100,
        "max": 200,
        "posts": 10,
        "old_posts": 2,
        "delay": 30,
        "expiry": expiry,
        "posts_served": 0,
    }
    assert customer.balance == Decimal("99")
    assert customer("status", order=order.pk) == {
        "status": "Active",
        "expiry": expiry,
        "posts": "0",
        "charge": "1.00",
        "currency": "USD",
    }


def test_add_unlimited_subscription_charges_nothing_up_front(customer):
    service = subscription_service()
    reply = customer("add", service=service.pk, username="natgeo", min="100", max="200")

    order = Order.objects.get(pk=reply["order"])
    assert (order.quantity, order.charge, order.details["delay"]) == (200, Decimal(0), 0)
    assert customer.balance == Decimal("100")
    assert not LedgerEntry.objects.filter(order=order).exists()
    assert customer("status", order=order.pk)["status"] == "Active"


def test_status_of_an_unlimited_subscription_shows_what_its_served_posts_cost(customer):
    service = subscription_service()
    order = customer("add", service=service.pk, username="natgeo", min="100", max="200")["order"]
    apply_status(order_id=order, status="Active", details={"posts_served": 3})

    # Three posts of up to 200 at 0.50 per 1000: 0.10 each.
    assert customer("status", order=order) == {
        "status": "Active",
        "expiry": None,
        "posts": "3",
        "charge": "0.30",
        "currency": "USD",
    }
    assert customer.balance == Decimal("99.7")


def test_add_accepts_a_whole_quantity_however_written(customer):
    service = make_service()
    for raw in ("100.0", "100.000", " 100 ", "+100", "0100"):
        order_id = customer("add", service=service.pk, link=LINK, quantity=raw)["order"]
        assert Order.objects.get(pk=order_id).quantity == 100, raw


def test_add_accepts_a_handle_as_link(customer):
    service = make_service()
    order_id = customer("add", service=service.pk, link="@natgeo", quantity=100)["order"]
    assert Order.objects.get(pk=order_id).link == "@natgeo"


def test_add_charges_the_whole_balance_to_zero(new_customer):
    customer = new_customer("0.09")
    service = make_service()
    assert isinstance(customer("add", service=service.pk, link=LINK, quantity=100)["order"], int)
    assert customer.balance == Decimal("0")
    assert customer("balance") == {"balance": "0.00", "currency": "USD"}


# --- add: refusals --------------------------------------------------------------------------
DEFAULT = {"link": LINK, "quantity": "100"}
COMMENTS = {"type": OrderType.CUSTOM_COMMENTS, "min_quantity": 2, "max_quantity": 3}
DRIPFEED = {"dripfeed": True}
SUBSCRIPTION = {
    "type": OrderType.SUBSCRIPTIONS,
    "rate": Decimal("0.5"),
    "min_quantity": 100,
    "max_quantity": 1000,
}
SUBSCRIBE = {"username": "natgeo", "min": "100", "max": "200"}
LESS_50 = "Quantity less than minimal 50"
MORE_10000 = "Quantity more than maximal 10000"
WHOLE = "Incorrect quantity: a whole number is required"
RUNS = "Incorrect runs: a whole number from 2 to 1000"
INTERVAL = "Incorrect interval: minutes from 1 to 43200"


@dataclass(frozen=True)
class Refusal:
    """A request `add` must refuse with `error`, for a service made with `service_values`."""

    service_values: dict
    params: dict
    error: str
    id: str


REFUSED_ADDS: dict[str, list[Refusal]] = {
    "service": [
        Refusal({}, {"service": MISSING_ID, **DEFAULT}, "Incorrect service ID", id="no-such"),
        Refusal({}, {"service": "abc", **DEFAULT}, "Incorrect service ID", id="service-abc"),
        Refusal({}, {"service": "0", **DEFAULT}, "Incorrect service ID", id="service-0"),
        Refusal({}, {"service": "-1", **DEFAULT}, "Incorrect service ID", id="service-neg"),
        Refusal({}, {"service": "", **DEFAULT}, "Incorrect service ID", id="service-empty"),
        Refusal({}, {"service": None, **DEFAULT}, "Incorrect service ID", id="no-service"),
        Refusal({}, {"service": "9" * 40, **DEFAULT}, "Incorrect service ID", id="service-40"),
        Refusal({}, {"service": INJECTION, **DEFAULT}, "Incorrect service ID", id="service-sql"),
        Refusal({"active": False}, DEFAULT, "Service is disabled", id="disabled"),
    ],
    "link": [
        Refusal({}, {"quantity": "100"}, "Incorrect link", id="no-link"),
        Refusal({}, {"link": "", "quantity": "100"}, "Incorrect link", id="link-empty"),
        Refusal({}, {"link": "not a link", "quantity": "100"}, "Incorrect link", id="spaces"),
        Refusal({}, {"link": "ftp://x.com/a", "quantity": "100"}, "Incorrect link", id="ftp"),
        Refusal({}, {"link": "javascript:alert(1)", "quantity": 100}, "Incorrect link", id="js"),
        Refusal(
            {},
            {"link": "https://example.com/" + "a" * 2000, "quantity": "100"},
            "Incorrect link",
            id="link-too-long",
        ),
    ],
    "quantity": [
        Refusal({}, {"link": LINK}, "Missing parameter: quantity", id="no-quantity"),
        Refusal({}, {"link": LINK, "quantity": ""}, "Missing parameter: quantity", id="q-empty"),
        Refusal({}, {"link": LINK, "quantity": "1e3"}, WHOLE, id="1e3"),
        Refusal({}, {"link": LINK, "quantity": "100.5"}, WHOLE, id="fraction"),
        Refusal({}, {"link": LINK, "quantity": "ten"}, WHOLE, id="words"),
        Refusal({}, {"link": LINK, "quantity": "1,000"}, WHOLE, id="separator"),
        Refusal({}, {"link": LINK, "quantity": "0x64"}, WHOLE, id="hex"),
        Refusal({}, {"link": LINK, "quantity": "-100"}, LESS_50, id="negative"),
        Refusal({}, {"link": LINK, "quantity": "0"}, LESS_50, id="zero"),
        Refusal({}, {"link": LINK, "quantity": "49"}, LESS_50, id="below-min"),
        Refusal({}, {"link": LINK, "quantity": "10001"}, MORE_10000, id="above-max"),
        Refusal({}, {"link": LINK, "quantity": "9" * 40}, MORE_10000, id="40-digits"),
    ],
    "drip-feed": [
        Refusal(
            {},
            {**DEFAULT, "runs": "3", "interval": "10"},
            "Drip-feed is not available for this service",
            id="no-dripfeed",
        ),
        Refusal(
            {"type": OrderType.PACKAGE, "min_quantity": 1, "max_quantity": 1, **DRIPFEED},
            {"link": LINK, "runs": "3", "interval": "10"},
            "Drip-feed is not available for this service",
            id="package-dripfeed",
        ),
        Refusal(DRIPFEED, {**DEFAULT, "runs": "1", "interval": "10"}, RUNS, id="runs-1"),
        Refusal(DRIPFEED, {**DEFAULT, "runs": "1001", "interval": "10"}, RUNS, id="runs-1001"),
        Refusal(DRIPFEED, {**DEFAULT, "runs": "abc", "interval": "10"}, RUNS, id="runs-abc"),
        Refusal(DRIPFEED, {**DEFAULT, "interval": "10"}, RUNS, id="interval-only"),
        Refusal(DRIPFEED, {**DEFAULT, "runs": "3"}, INTERVAL, id="runs-only"),
        Refusal(DRIPFEED, {**DEFAULT, "runs": "3", "interval": "0"}, INTERVAL, id="interval-0"),
        Refusal(
            DRIPFEED, {**DEFAULT, "runs": "3", "interval": "43201"}, INTERVAL, id="interval-big"
        ),
        Refusal(
            {"max_quantity": 100, **DRIPFEED},
            {**DEFAULT, "quantity": "101", "runs": "3", "interval": "10"},
            "Quantity more than maximal 100",
            id="dripfeed-run-above-max",
        ),
    ],
    "type-fields": [
        Refusal(COMMENTS, {"link": LINK}, "Missing parameter: comments", id="no-comments"),
        Refusal(
            COMMENTS,
            {"link": LINK, "comments": "\n  \r\n"},
            "Missing parameter: comments",
            id="blank",
        ),
        Refusal(
            COMMENTS,
            {"link": LINK, "comments": "a\nb\nc\nd"},
            "Quantity more than maximal 3",
            id="comments-above-max",
        ),
        Refusal(
            COMMENTS,
            {"link": LINK, "comments": "only one"},
            "Quantity less than minimal 2",
            id="comments-below-min",
        ),
        Refusal(
            COMMENTS,
            {"link": "bad link", "comments": "a\nb"},
            "Incorrect link",
            id="comments-bad-link",
        ),
        Refusal(
            {"type": OrderType.MENTIONS_HASHTAG},
            DEFAULT,
            "Missing parameter: hashtag",
            id="no-hashtag",
        ),
        Refusal(
            {"type": OrderType.MENTIONS_HASHTAG},
            {**DEFAULT, "hashtag": "#" + "a" * 255},
            "Incorrect hashtag",
            id="hashtag-too-long",
        ),
        Refusal(
            {"type": OrderType.MENTIONS_USER_FOLLOWERS},
            DEFAULT,
            "Missing parameter: username",
            id="no-username",
        ),
        Refusal(
            {"type": OrderType.MENTIONS_MEDIA_LIKERS},
            {**DEFAULT, "media": "not a url"},
            "Incorrect media",
            id="media-not-url",
        ),
        Refusal(
            {"type": OrderType.POLL},
            {**DEFAULT, "answer_number": "two"},
            "Incorrect answer_number",
            id="poll-answer-words",
        ),
        Refusal(
            {"type": OrderType.POLL},
            {**DEFAULT, "answer_number": "-1"},
            "Incorrect answer_number",
            id="poll-answer-negative",
        ),
        Refusal(
            {"type": OrderType.INVITES_FROM_GROUPS},
            DEFAULT,
            "Missing parameter: groups",
            id="no-groups",
        ),
        Refusal(
            {"type": OrderType.MENTIONS_CUSTOM_LIST, "min_quantity": 1},
            {"link": LINK, "quantity": "5"},
            "Missing parameter: usernames",
            id="no-usernames",
        ),
        Refusal(
            {"type": OrderType.WEB_TRAFFIC},
            {**DEFAULT, "device": "9"},
            "Incorrect device",
            id="device-9",
        ),
        Refusal(
            {"type": OrderType.WEB_TRAFFIC},
            {**DEFAULT, "type_of_traffic": "4"},
            "Incorrect type_of_traffic",
            id="traffic-4",
        ),
        Refusal(
            {"type": OrderType.WEB_TRAFFIC},
            {**DEFAULT, "referring_url": "nowhere"},
            "Incorrect referring_url",
            id="referrer-not-url",
        ),
    ],
    "subscription": [
        Refusal(
            SUBSCRIPTION, {"min": "100", "max": "200"}, "Missing parameter: username", id="sub-user"
        ),
        Refusal(
            SUBSCRIPTION,
            {"username": "natgeo", "max": "200"},
            "Missing parameter: min",
            id="sub-min",
        ),
        Refusal(SUBSCRIPTION, {**SUBSCRIBE, "min": "300"}, "Incorrect min", id="sub-min-above-max"),
        Refusal(
            SUBSCRIPTION, {**SUBSCRIBE, "min": "50"}, "Quantity less than minimal 100", id="sub-low"
        ),
        Refusal(
            SUBSCRIPTION,
            {**SUBSCRIBE, "max": "2000"},
            "Quantity more than maximal 1000",
            id="sub-hi",
        ),
        Refusal(SUBSCRIPTION, {**SUBSCRIBE, "posts": "0"}, "Incorrect posts", id="sub-posts-0"),
        Refusal(SUBSCRIPTION, {**SUBSCRIBE, "delay": "7"}, "Incorrect delay", id="sub-delay-7"),
        Refusal(
            SUBSCRIPTION,
            {**SUBSCRIBE, "expiry": "2030-01-31"},
            "Incorrect expiry",
            id="sub-iso-date",
        ),
        Refusal(
            SUBSCRIPTION, {**SUBSCRIBE, "expiry": "31/02/2030"}, "Incorrect expiry", id="sub-feb-31"
        ),
        Refusal(
            SUBSCRIPTION, {**SUBSCRIBE, "expiry": "01/01/2020"}, "Incorrect expiry", id="sub-past"
        ),
    ],
    "funds": [
        Refusal(
            {"rate": Decimal("1000")}, DEFAULT, "Not enough funds on balance", id="not-enough-funds"
        ),
        Refusal(
            {"rate": Decimal("100"), **DRIPFEED},
            {**DEFAULT, "runs": "20", "interval": "5"},
            "Not enough funds on balance",
            id="dripfeed-runs-not-enough-funds",
        ),
        Refusal(
            SUBSCRIPTION | {"rate": Decimal("100")},
            {**SUBSCRIBE, "posts": "10"},
            "Not enough funds on balance",
            id="subscription-not-enough-funds",
        ),
    ],
}


@pytest.mark.parametrize("group", list(REFUSED_ADDS))
def test_add_refusals_have_their_wording_and_change_nothing(new_customer, group):
    customer = new_customer("100")
    place(customer, make_service(), quantity=100)  # an earlier order, which must stay as it is
    wrong = []
    for case in REFUSED_ADDS[group]:
        values = dict(case.service_values)
        active = values.pop("active", True)
        service = make_service(**values)
        if not active:
            disable(service)
        params = {"service": service.pk, **case.params}
        params = {name: value for name, value in params.items() if value is not None}
        before = customer.state()
        reply = customer("add", **params)
        if reply != {"error": case.error} or customer.state() != before:
            wrong.append((case.id, reply, customer.state()))
    assert wrong == []


def test_add_refuses_a_link_too_long_for_any_parameter_and_changes_nothing(customer):
    service = make_service()
    before = customer.state()
    link = "https://example.com/" + "a" * 200_000
    reply = customer("add", service=service.pk, link=link, quantity=100)
    assert reply == {"error": "Incorrect request"}
    assert customer.state() == before


def test_add_refuses_a_huge_quantity_for_funds_not_with_a_server_error(customer):
    """A service that allows any quantity: the charge of 10^18 units exceeds every balance."""
    service = make_service(max_quantity=2**63 - 1)
    before = customer.state()
    reply = customer("add", service=service.pk, link=LINK, quantity=10**18)
    assert reply == {"error": "Not enough funds on balance"}
    assert customer.state() == before


def test_add_refuses_a_charge_larger_than_any_amount_for_funds(customer):
    service = make_service(max_quantity=2**63 - 1)
    before = customer.state()
    reply = customer.http.post(
        customer.url,
        data={
            "key": customer.key,
            "action": "add",
            "service": str(service.pk),
            "link": LINK,
            "quantity": str(9 * 10**18),
        },
    )
    assert reply_of(reply) == {"error": "Not enough funds on balance"}
    assert customer.state() == before


def test_add_refuses_a_dripfeed_total_beyond_any_quantity(customer):
    service = make_service(max_quantity=2**63 - 1, rate=Decimal(0), dripfeed=True)
    before = customer.state()
    reply = customer.http.post(
        customer.url,
        data={
            "key": customer.key,
            "action": "add",
            "service": str(service.pk),
            "link": LINK,
            "quantity": str(10**17),
            "runs": "1000",
            "interval": "1",
        },
    )
    assert set(reply_of(reply)) == {"error"}
    assert customer.state() == before


def test_add_charges_the_rate_of_the_moment_however_the_catalog_changed(customer):
    """Each server process keeps the services it has read (catalog.cache) until the catalog
    changes: a change by any means is charged from the next order on."""
    service = make_service(rate=Decimal("1"))

    def charges(quantity: int = 1000) -> set[Decimal]:
        # Several orders, so that each server worker has read the service.
        placed = [place(customer, service, quantity) for _ in range(4)]
        return set(Order.objects.filter(pk__in=placed).values_list("charge", flat=True))

    assert charges() == {Decimal("1")}
    Service.objects.filter(pk=service.pk).update(rate=Decimal("2"))
    assert charges() == {Decimal("2")}
    service.refresh_from_db()
    service.max_quantity = 500
    service.save()
    for _ in range(4):
        assert customer("add", service=service.pk, link=LINK, quantity=1000) == {
            "error": "Quantity more than maximal 500"
        }
    Service.objects.filter(pk=service.pk).update(active=False)
    for _ in range(4):
        assert customer("add", service=service.pk, link=LINK, quantity=100) == {
            "error": "Service is disabled"
        }


def test_add_by_a_suspended_account_is_refused_and_changes_nothing(customer):
    service = make_service()
    suspend_account(account_id=customer.account.pk, acting_user=Actor.system())
    before = customer.state()
    reply = customer("add", service=service.pk, link=LINK, quantity=100)
    assert reply == {"error": "Your account is suspended"}
    assert customer.state() == before


# --- add: the operator's duplicate-link setting ---------------------------------------------
@pytest.fixture(scope="module")
def strict_link_api(panel_server, tmp_path_factory) -> Iterator[str]:
    """A second server, with SMMPANEL_REFUSE_DUPLICATE_LINK: the setting is read at start-up."""
    env = {**panel_server.env, "SMMPANEL_REFUSE_DUPLICATE_LINK": "1"}
    log = tmp_path_factory.mktemp("strict-link") / "serve.log"
    with serving(env, log, workers=1) as server:
        yield server.api


def test_a_second_active_order_for_the_same_link_is_refused_when_the_operator_says_so(
    customer, strict_link_api
):
    strict = Customer(
        account=customer.account, key=customer.key, http=customer.http, url=strict_link_api
    )
    service = make_service()
    first = place(strict, service, quantity=100)
    before = strict.state()

    duplicate = "You have active order with this link. Please wait until order being completed."
    assert strict("add", service=service.pk, link=LINK, quantity=100) == {"error": duplicate}
    assert strict.state() == before

    # Another link, or another service, is a different order.
    place(strict, make_service(), quantity=100)
    other_link = strict("add", service=service.pk, link=LINK + "/other", quantity=100)
    assert isinstance(other_link["order"], int)
    # Once the first order is finished, the link is free again.
    apply_status(order_id=first, status=OrderStatus.COMPLETED, remains=0)
    assert isinstance(place(strict, service, quantity=100), int)


def test_the_same_link_twice_is_accepted_by_default(customer):
    service = make_service()
    place(customer, service, quantity=100)
    place(customer, service, quantity=100)
    assert Order.objects.filter(link=LINK).count() == 2


# --- status ---------------------------------------------------------------------------------
def test_status_of_one_order_is_the_classic_shape_with_strings(customer):
    service = make_service(rate=Decimal("0.27819"))
    order_id = place(customer, service, quantity=1000)
    assert customer("status", order=order_id) == {
        "charge": "0.27819",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "USD",
    }
    apply_status(order_id=order_id, status=OrderStatus.IN_PROGRESS, start_count=3572, remains=157)
    assert customer("status", order=order_id) == {
        "charge": "0.27819",
        "start_count": "3572",
        "status": "In progress",
        "remains": "157",
        "currency": "USD",
    }


def test_status_shows_a_negative_remains_of_an_over_delivery(customer):
    order_id = place(customer, make_service())
    apply_status(order_id=order_id, status=OrderStatus.COMPLETED, start_count=168, remains=-2)
    reply = customer("status", order=order_id)
    assert (reply["status"], reply["start_count"], reply["remains"]) == ("Completed", "168", "-2")


def test_status_of_no_such_order_is_incorrect_order_id(customer):
    place(customer, make_service())
    for raw in ("", MISSING_ID, "0", "-5", "abc", INJECTION, "9" * 40, "1.5"):
        assert customer("status", order=raw) == {"error": "Incorrect order ID"}, raw
    # `order` holding a list is read as `orders` (tests/api/test_dialects_in_the_wild.py).
    missing = {"error": "Incorrect order ID"}
    assert customer("status", order=f"{MISSING_ID},abc") == {
        str(MISSING_ID): missing,
        "abc": missing,
    }


def test_status_without_order_is_incorrect_order_id(customer):
    assert customer("status") == {"error": "Incorrect order ID"}


def test_status_of_another_customers_order_is_incorrect_order_id(customer, new_customer):
    other = new_customer("10")
    order_id = place(other, make_service())
    assert customer("status", order=order_id) == {"error": "Incorrect order ID"}
    assert customer("status", orders=order_id) == {str(order_id): {"error": "Incorrect order ID"}}


def test_status_of_many_orders_is_keyed_by_the_ids_as_given(customer, new_customer):
    service = make_service(rate=Decimal("0.9"))
    first = place(customer, service, quantity=100)
    second = place(customer, service, quantity=200)
    apply_status(order_id=second, status=OrderStatus.PARTIAL, start_count=234, remains=10)
    foreign = place(new_customer("10"), service)

    raw = f" {first},{second} , {first},{MISSING_ID},{foreign},{INJECTION},,00{first}"
    reply = customer("status", orders=raw)

    pending = {
        "charge": "0.09",
        "start_count": "0",
        "status": "Pending",
        "remains": "100",
        "currency": "USD",
    }
    incorrect = {"error": "Incorrect order ID"}
    assert reply == {
        str(first): pending,
        str(second): {
            "charge": "0.18",
            "start_count": "234",
            "status": "Partial",
            "remains": "10",
            "currency": "USD",
        },
        MISSING_ID: incorrect,
        str(foreign): incorrect,
        INJECTION: incorrect,
        f"00{first}": pending,
    }
    assert list(reply) == [
        str(first),
        str(second),
        MISSING_ID,
        str(foreign),
        INJECTION,
        f"00{first}",
    ]


def test_status_of_many_orders_shapes_each_by_its_type(customer):
    plain = place(customer, make_service(rate=Decimal("1")), quantity=100)
    comments = place(
        customer,
        make_service(type=OrderType.CUSTOM_COMMENTS, rate=Decimal("1"), min_quantity=1),
        quantity=None,
        comments="great\nnice",
    )
    expiry = future_expiry()
    subscription = customer(
        "add",
        service=subscription_service().pk,
        username="natgeo",
        min="100",
        max="200",
        expiry=expiry,
    )["order"]

    reply = customer("status", orders=f"{plain},{comments},{subscription}")

    assert reply[str(subscription)] == {
        "status": "Active",
        "expiry": expiry,
        "posts": "0",
        "charge": "0.00",
        "currency": "USD",
    }
    assert reply[str(comments)] == {
        "charge": "0.002",
        "start_count": "0",
        "status": "Pending",
        "remains": "2",
        "currency": "USD",
    }
    assert reply[str(plain)]["remains"] == "100"
    assert reply == {
        str(order): customer("status", order=order) for order in (plain, comments, subscription)
    }


def test_status_of_many_orders_accepts_100_ids(customer):
    order_id = place(customer, make_service())
    ids = [str(order_id)] + [str(10**9 + n) for n in range(99)]
    reply = customer("status", orders=",".join(ids))
    assert list(reply) == ids
    assert reply[str(order_id)]["status"] == "Pending"


def test_status_of_many_orders_counts_duplicates_once(customer):
    order_id = place(customer, make_service())
    reply = customer("status", orders=",".join([str(order_id)] * 150))
    assert list(reply) == [str(order_id)]


def test_more_than_100_ids_is_refused(customer):
    ids = ",".join(str(10**9 + n) for n in range(101))
    too_many = {"error": "Too many IDs: maximum is 100"}
    for action in ("status", "refill", "cancel", "product_order_status"):
        assert customer(action, orders=ids) == too_many, action
    assert customer("refill_status", refills=ids) == too_many


def test_status_of_an_empty_list_of_ids_is_incorrect_order_id(customer):
    for orders in (",", " , ,"):
        assert customer("status", orders=orders) == {"error": "Incorrect order ID"}, orders


def test_status_of_a_dripfeed_order_adds_runs_and_interval(customer):
    service = make_service(dripfeed=True)
    order_id = place(customer, service, quantity=100, runs=5, interval=30)
    assert customer("status", order=order_id) == {
        "charge": "0.45",
        "start_count": "0",
        "status": "Pending",
        "remains": "500",
        "currency": "USD",
        "runs": "5",
        "interval": "30",
    }


# --- Partial and Canceled refunds -----------------------------------------------------------
def refunds(order_id: int) -> list[Decimal]:
    return list(
        LedgerEntry.objects.filter(order_id=order_id, kind="refund").values_list(
            "amount", flat=True
        )
    )


def test_partial_refunds_the_undelivered_part_exactly_once(customer):
    service = make_service(rate=Decimal("0.27819"))
    order_id = place(customer, service, quantity=1000)
    assert customer.balance == Decimal("99.72181")

    apply_status(order_id=order_id, status=OrderStatus.PARTIAL, start_count=3572, remains=157)
    # 0.27819 × 157 / 1000 = 0.04367583 → 0.04367: a refund rounds down.
    assert refunds(order_id) == [Decimal("0.04367")]
    assert customer.balance == Decimal("99.76548")
    assert customer("balance") == {"balance": "99.76548", "currency": "USD"}
    assert customer("status", order=order_id) == {
        "charge": "0.27819",
        "start_count": "3572",
        "status": "Partial",
        "remains": "157",
        "currency": "USD",
    }

    # The same report again, or any other final status, refunds nothing more.
    apply_status(order_id=order_id, status=OrderStatus.PARTIAL, remains=157)
    with pytest.raises(OrderError):
        apply_status(order_id=order_id, status=OrderStatus.CANCELED)
    assert refunds(order_id) == [Decimal("0.04367")]
    assert customer.balance == Decimal("99.76548") == ledger_total(customer.account)
    assert customer("status", order=order_id)["status"] == "Partial"


def test_canceled_refunds_the_whole_charge_once(customer):
    order_id = place(customer, make_service(rate=Decimal("0.27819")), quantity=123)
    apply_status(order_id=order_id, status=OrderStatus.IN_PROGRESS, start_count=10, remains=100)
    apply_status(order_id=order_id, status=OrderStatus.CANCELED, remains=100)
    apply_status(order_id=order_id, status=OrderStatus.CANCELED)
    assert refunds(order_id) == [Decimal("0.03422")]
    assert customer.balance == Decimal("100") == ledger_total(customer.account)
    assert customer("status", order=order_id)["status"] == "Canceled"


@pytest.mark.parametrize(
    ("remains", "refund"),
    [(-2, None), (0, None), (1000, "0.90000"), (5000, "0.90000"), (1, "0.00090")],
)
def test_partial_refund_is_clamped_to_what_was_paid(customer, remains, refund):
    order_id = place(customer, make_service(), quantity=1000)
    apply_status(order_id=order_id, status=OrderStatus.PARTIAL, remains=remains)
    expected = [Decimal(refund)] if refund else []
    assert refunds(order_id) == expected
    assert customer.balance == Decimal("99.1") + sum(expected, Decimal(0))


def test_partial_of_a_dripfeed_order_refunds_in_proportion_to_all_runs(customer):
    order_id = place(customer, make_service(dripfeed=True), quantity=100, runs=3, interval=10)
    apply_status(order_id=order_id, status=OrderStatus.PARTIAL, remains=150)
    assert refunds(order_id) == [Decimal("0.135")]
    assert customer.balance == Decimal("100") - Decimal("0.27") + Decimal("0.135")


def test_completed_refunds_nothing(customer):
    order_id = place(customer, make_service(), quantity=1000)
    apply_status(order_id=order_id, status=OrderStatus.COMPLETED, remains=0)
    assert refunds(order_id) == []
    assert customer.balance == Decimal("99.1")


# --- refill ---------------------------------------------------------------------------------
def completed_order(customer: Customer, service: Service) -> int:
    order_id = place(customer, service)
    apply_status(order_id=order_id, status=OrderStatus.COMPLETED, remains=0)
    return order_id


def test_refill_of_one_order_answers_the_refill_id_as_a_string(customer):
    order_id = completed_order(customer, make_service(refill=True))
    before = customer.balance
    reply = customer("refill", order=order_id)
    refill = Refill.objects.get(order_id=order_id)
    assert reply == {"refill": str(refill.pk)}
    assert refill.status == RefillStatus.PENDING
    assert customer.balance == before


@pytest.mark.parametrize(
    ("service_values", "status", "error"),
    [
        ({}, OrderStatus.COMPLETED, "Refill is not available for this service"),
        (
            {"refill": True},
            OrderStatus.IN_PROGRESS,
            "Refill is available for completed orders only",
        ),
        ({"refill": True}, OrderStatus.PARTIAL, "Refill is available for completed orders only"),
        (
            {"refill": True, "refill_days": 0},
            OrderStatus.COMPLETED,
            "The refill period of this order has ended",
        ),
    ],
)
def test_refill_refusal_has_its_wording_and_changes_nothing(
    customer, service_values, status, error
):
    order_id = place(customer, make_service(**service_values))
    apply_status(order_id=order_id, status=status, remains=10)
    before = customer.state()
    assert customer("refill", order=order_id) == {"error": error}
    assert customer("refill", orders=order_id) == [{"order": order_id, "refill": {"error": error}}]
    assert customer.state() == before


def test_a_second_refill_while_one_is_open_is_refused(customer):
    order_id = completed_order(customer, make_service(refill=True))
    customer("refill", order=order_id)
    before = customer.state()
    pending = "A refill of this order is already in progress"
    assert customer("refill", order=order_id) == {"error": pending}
    assert customer.state() == before
    # A finished refill makes way for the next one.
    report_refill_status(refill_id=Refill.objects.get().pk, status=RefillStatus.COMPLETED)
    assert customer("refill", order=order_id) == {"refill": str(Refill.objects.latest("pk").pk)}


def test_refill_of_no_such_order_is_incorrect_order_id(customer):
    completed_order(customer, make_service(refill=True))
    before = customer.state()
    for raw in ("", MISSING_ID, "abc", INJECTION, "-1"):
        assert customer("refill", order=raw) == {"error": "Incorrect order ID"}, raw
    assert customer.state() == before


def test_refill_of_another_customers_order_is_incorrect_order_id(customer, new_customer):
    order_id = completed_order(new_customer("10"), make_service(refill=True))
    assert customer("refill", order=order_id) == {"error": "Incorrect order ID"}
    assert customer("refill", orders=order_id) == [
        {"order": order_id, "refill": {"error": "Incorrect order ID"}}
    ]
    assert not Refill.objects.exists()


def test_refill_of_many_orders_answers_an_item_per_id(customer, new_customer):
    service = make_service(refill=True)
    first = completed_order(customer, service)
    second = completed_order(customer, service)
    pending = place(customer, service)
    foreign = completed_order(new_customer("10"), service)

    reply = customer("refill", orders=f"{first}, {pending},{MISSING_ID},{second},{foreign},abc")

    refills = dict(Refill.objects.values_list("order_id", "pk"))
    assert set(refills) == {first, second}
    incorrect = {"error": "Incorrect order ID"}
    assert reply == [
        {"order": first, "refill": refills[first]},
        {"order": pending, "refill": {"error": "Refill is available for completed orders only"}},
        {"order": int(MISSING_ID), "refill": incorrect},
        {"order": second, "refill": refills[second]},
        {"order": foreign, "refill": incorrect},
        {"order": "abc", "refill": incorrect},
    ]


# --- refill_status --------------------------------------------------------------------------
def open_refill(customer: Customer) -> int:
    order_id = completed_order(customer, make_service(refill=True))
    return int(customer("refill", order=order_id)["refill"])


def test_refill_status_of_one_refill(customer):
    refill_id = open_refill(customer)
    assert customer("refill_status", refill=refill_id) == {"status": "Pending"}
    report_refill_status(refill_id=refill_id, status=RefillStatus.COMPLETED)
    assert customer("refill_status", refill=refill_id) == {"status": "Completed"}


def test_refill_status_of_no_such_refill(customer):
    open_refill(customer)
    for raw, error in [
        (MISSING_ID, "Refill not found"),
        ("abc", "Incorrect refill ID"),
        (INJECTION, "Incorrect refill ID"),
        ("", "Incorrect refill ID"),
        ("0", "Incorrect refill ID"),
    ]:
        assert customer("refill_status", refill=raw) == {"error": error}, raw


def test_refill_status_of_another_customers_refill_is_not_found(customer, new_customer):
    refill_id = open_refill(new_customer("10"))
    assert customer("refill_status", refill=refill_id) == {"error": "Refill not found"}
    assert customer("refill_status", refills=refill_id) == [
        {"refill": refill_id, "status": {"error": "Refill not found"}}
    ]


def test_refill_status_of_many_refills_answers_an_item_per_id(customer, new_customer):
    first = open_refill(customer)
    second = open_refill(customer)
    report_refill_status(refill_id=second, status=RefillStatus.REJECTED)
    foreign = open_refill(new_customer("10"))

    reply = customer("refill_status", refills=f"{first} ,{second},{first},{foreign},{INJECTION}")

    assert reply == [
        {"refill": first, "status": "Pending"},
        {"refill": second, "status": "Rejected"},
        {"refill": foreign, "status": {"error": "Refill not found"}},
        {"refill": INJECTION, "status": {"error": "Incorrect refill ID"}},
    ]


# --- cancel ---------------------------------------------------------------------------------
def test_cancel_of_many_orders_answers_an_item_per_id(customer, new_customer):
    cancellable = make_service(cancel=True)
    first = place(customer, cancellable)
    second = place(customer, cancellable)
    fixed = place(customer, make_service())
    foreign = place(new_customer("10"), cancellable)
    before = customer.balance

    reply = customer(
        "cancel", orders=f"{first},{fixed}, {MISSING_ID},{second},{foreign},{INJECTION}"
    )

    incorrect = {"error": "Incorrect order ID"}
    assert reply == [
        {"order": first, "cancel": 1},
        {"order": fixed, "cancel": {"error": "Cancel is not available for this service"}},
        {"order": int(MISSING_ID), "cancel": incorrect},
        {"order": second, "cancel": 1},
        {"order": foreign, "cancel": incorrect},
        {"order": INJECTION, "cancel": incorrect},
    ]
    assert set(CancelRequest.objects.values_list("order_id", "status")) == {
        (first, CancelStatus.PENDING),
        (second, CancelStatus.PENDING),
    }
    # A cancel is a request: nothing is refunded before the fulfilment confirms it.
    assert customer.balance == before
    assert customer("status", order=first)["status"] == "Pending"


def test_cancel_accepts_a_single_order_parameter(customer):
    order_id = place(customer, make_service(cancel=True))
    assert customer("cancel", order=order_id) == [{"order": order_id, "cancel": 1}]
    assert CancelRequest.objects.get().order_id == order_id


def test_a_confirmed_cancel_refunds_everything_and_ends_the_request(customer):
    order_id = place(customer, make_service(cancel=True), quantity=1000)
    customer("cancel", orders=order_id)
    apply_status(order_id=order_id, status=OrderStatus.CANCELED)
    assert customer.balance == Decimal("100")
    assert refunds(order_id) == [Decimal("0.9")]
    assert CancelRequest.objects.get().status == CancelStatus.ACCEPTED
    assert customer("status", order=order_id)["status"] == "Canceled"


def test_a_cancel_ending_partial_refunds_the_remains(customer):
    order_id = place(customer, make_service(cancel=True), quantity=1000)
    customer("cancel", order=order_id)
    apply_status(order_id=order_id, status=OrderStatus.PARTIAL, remains=400)
    assert refunds(order_id) == [Decimal("0.36")]
    assert customer.balance == Decimal("99.46")
    assert CancelRequest.objects.get().status == CancelStatus.ACCEPTED


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        ("finished", "The order is already finished"),
        ("requested", "A cancel of this order is already requested"),
    ],
)
def test_cancel_refusal_has_its_wording_and_changes_nothing(customer, setup, error):
    order_id = place(customer, make_service(cancel=True))
    if setup == "finished":
        apply_status(order_id=order_id, status=OrderStatus.COMPLETED, remains=0)
    else:
        customer("cancel", order=order_id)
    before = customer.state()
    assert customer("cancel", orders=order_id) == [{"order": order_id, "cancel": {"error": error}}]
    assert customer.state() == before


def test_cancel_of_no_ids_is_incorrect_order_id(customer):
    for params in ({}, {"orders": ""}, {"orders": ","}, {"order": ""}):
        assert customer("cancel", **params) == {"error": "Incorrect order ID"}, params


# --- balance --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "shown"),
    [("0", "0.00"), ("12.5", "12.50"), ("100.84292", "100.84292"), ("1000000", "1000000.00")],
)
def test_balance_is_a_string_with_the_currency(new_customer, amount, shown):
    assert new_customer(amount)("balance") == {"balance": shown, "currency": "USD"}


def test_balance_follows_orders_and_refunds(customer):
    order_id = place(customer, make_service(rate=Decimal("0.27819")), quantity=1000)
    assert customer("balance") == {"balance": "99.72181", "currency": "USD"}
    apply_status(order_id=order_id, status=OrderStatus.CANCELED)
    assert customer("balance") == {"balance": "100.00", "currency": "USD"}


# --- products -------------------------------------------------------------------------------
def test_products_lists_active_products_in_the_extension_shape(customer):
    netflix = make_product(stock=40, name="Netflix premium 1 month", require="Input your account")
    youtube = make_product(stock=0, name="Youtube premium", rate=Decimal("5"), max_quantity=1)
    facebook = make_product(
        name="Facebook account", rate=Decimal("0.5"), max_quantity=2, type=Product.Type.SERVICE
    )
    make_product(stock=3, active=False)

    assert customer("products") == [
        {
            "product": netflix.pk,
            "name": "Netflix premium 1 month",
            "require": "Input your account",
            "rate": 2.5,
            "min": 1,
            "max": 10,
            "category": "Netflix",
            "type": "Auto",
            "status": "In stock",
            "inventory": 40,
        },
        {
            "product": youtube.pk,
            "name": "Youtube premium",
            "require": "",
            "rate": 5,
            "min": 1,
            "max": 1,
            "category": "Netflix",
            "type": "Auto",
            "status": "Out of stock",
            "inventory": 0,
        },
        {
            "product": facebook.pk,
            "name": "Facebook account",
            "require": "",
            "rate": 0.5,
            "min": 1,
            "max": 2,
            "category": "Netflix",
            "type": "Service",
            "status": "In stock",
        },
    ]


def test_auto_product_order_is_delivered_from_stock_at_once(customer):
    product = make_product(stock=5, require="Input your account")
    reply = customer("add_product_order", product=product.pk, quantity=3, require="me@mail.test")

    order = ProductOrder.objects.get(pk=reply["order"])
    assert reply == {"order": order.pk}
    items = [f"item-{product.pk}-{n}" for n in range(3)]
    assert (order.quantity, order.require, order.charge) == (3, "me@mail.test", Decimal("7.5"))
    assert customer.balance == Decimal("92.5")
    assert list(
        LedgerEntry.objects.filter(product_order=order).values_list("amount", flat=True)
    ) == [Decimal("-7.5")]
    assert customer("product_order_status", order=order.pk) == {
        "charge": 7.5,
        "status": "Completed",
        "result": "\n".join(items),
    }
    assert customer("result_product", order=order.pk) == {"result": items}
    assert customer("products")[0]["inventory"] == 2


def test_service_product_order_waits_for_the_operator_and_partial_refunds_once(customer):
    product = make_product(type=Product.Type.SERVICE, rate=Decimal("2"))
    order_id = customer("add_product_order", product=product.pk, quantity="4")["order"]
    assert customer.balance == Decimal("92")
    assert customer("product_order_status", order=order_id) == {"charge": 8, "status": "Pending"}
    assert customer("result_product", order=order_id) == {"result": []}

    apply_product_status(
        product_order_id=order_id, status=OrderStatus.PARTIAL, remains=1, result="a | 1\nb | 2\n"
    )
    apply_product_status(product_order_id=order_id, status=OrderStatus.PARTIAL, remains=1)
    assert customer.balance == Decimal("94")
    assert customer("product_order_status", order=order_id) == {
        "charge": 8,
        "status": "Partial",
        "remains": 1,
        "result": "a | 1\nb | 2",
    }
    assert customer("result_product", order=order_id) == {"result": ["a | 1", "b | 2"]}


def test_canceled_product_order_refunds_all_and_carries_its_note(customer):
    product = make_product(type=Product.Type.SERVICE, rate=Decimal("2.5"))
    order_id = customer("add_product_order", product=product.pk, quantity=2)["order"]
    apply_product_status(
        product_order_id=order_id, status=OrderStatus.CANCELED, note="Out of stock"
    )
    assert customer.balance == Decimal("100")
    assert customer("product_order_status", order=order_id) == {
        "charge": 5,
        "status": "Canceled",
        "note": "Out of stock",
    }


PRODUCT_REFUSALS = [
    Refusal({}, {"product": MISSING_ID, "quantity": "1"}, "Incorrect product ID", id="none"),
    Refusal({}, {"product": INJECTION, "quantity": "1"}, "Incorrect product ID", id="sql"),
    Refusal({}, {"product": None, "quantity": "1"}, "Incorrect product ID", id="no-product"),
    Refusal({"active": False}, {"quantity": "1"}, "Product is disabled", id="disabled"),
    Refusal({}, {}, "Missing parameter: quantity", id="no-quantity"),
    Refusal({}, {"quantity": "1e3"}, "Incorrect quantity: a whole number is required", id="1e3"),
    Refusal({}, {"quantity": "0"}, "Quantity less than minimal 1", id="zero"),
    Refusal({}, {"quantity": "-1"}, "Quantity less than minimal 1", id="negative"),
    Refusal({}, {"quantity": "11"}, "Quantity more than maximal 10", id="above-max"),
    Refusal({}, {"quantity": "9" * 40}, "Quantity more than maximal 10", id="40-digits"),
    Refusal(
        {"require": "Input your account"},
        {"quantity": "1"},
        "Missing parameter: require",
        id="no-require",
    ),
    Refusal({"stock": 0}, {"quantity": "1"}, "Product is out of stock", id="out-of-stock"),
    Refusal({"stock": 2}, {"quantity": "3"}, "Not enough stock: 2 available", id="short"),
    Refusal({"rate": Decimal("60")}, {"quantity": "2"}, "Not enough funds on balance", id="funds"),
]


def test_add_product_order_refusals_have_their_wording_and_change_nothing(customer):
    customer("add_product_order", product=make_product(stock=1).pk, quantity=1)  # an earlier one
    wrong = []
    for case in PRODUCT_REFUSALS:
        values = {"stock": 5, **case.service_values}
        active = values.pop("active", True)
        product = make_product(**values)
        if not active:
            product.active = False
            product.save()
        params = {"product": product.pk, **case.params}
        params = {name: value for name, value in params.items() if value is not None}
        before = customer.state()
        reply = customer("add_product_order", **params)
        if reply != {"error": case.error} or customer.state() != before:
            wrong.append((case.id, reply, customer.state()))
    assert wrong == []


def test_product_order_status_of_many_orders_is_keyed_by_the_ids_as_given(customer, new_customer):
    product = make_product(stock=5)
    first = customer("add_product_order", product=product.pk, quantity=1)["order"]
    manual = make_product(type=Product.Type.SERVICE)
    second = customer("add_product_order", product=manual.pk, quantity=2)["order"]
    foreign = new_customer("10")("add_product_order", product=product.pk, quantity=1)["order"]

    reply = customer(
        "product_order_status", orders=f"{first}, {second},{first},{foreign},{INJECTION}"
    )

    incorrect = {"error": "Incorrect order ID"}
    assert reply == {
        str(first): {"charge": 2.5, "status": "Completed", "result": f"item-{product.pk}-0"},
        str(second): {"charge": 5, "status": "Pending"},
        str(foreign): incorrect,
        INJECTION: incorrect,
    }


@pytest.mark.parametrize("action", ["product_order_status", "result_product"])
def test_product_orders_are_only_shown_to_their_owner(customer, new_customer, action):
    product = make_product(stock=5)
    order_id = new_customer("10")("add_product_order", product=product.pk, quantity=2)["order"]
    for raw in (order_id, MISSING_ID, INJECTION, ""):
        assert customer(action, order=raw) == {"error": "Incorrect order ID"}


def test_service_orders_and_product_orders_are_separate(customer, new_customer):
    """A product order's id is not a service order's id, and the other way round."""
    buyer = new_customer("100")
    product_order_id = buyer("add_product_order", product=make_product(stock=1).pk, quantity=1)[
        "order"
    ]
    order_id = place(customer, make_service())
    assert buyer("status", order=product_order_id) == {"error": "Incorrect order ID"}
    assert buyer("cancel", order=product_order_id) == [
        {"order": product_order_id, "cancel": {"error": "Incorrect order ID"}}
    ]
    assert customer("result_product", order=order_id) == {"error": "Incorrect order ID"}
    assert customer("product_order_status", order=order_id) == {"error": "Incorrect order ID"}


# --- keys and actions -----------------------------------------------------------------------
ACTIONS = [
    "services",
    "add",
    "status",
    "refill",
    "refill_status",
    "cancel",
    "balance",
    "products",
    "add_product_order",
    "product_order_status",
    "result_product",
]


def test_every_action_needs_a_valid_key(customer):
    service = make_service()
    before = customer.state()
    params = {"service": str(service.pk), "link": LINK, "quantity": "100", "order": "1"}
    for action in ACTIONS:
        for key in ("", "wrong", customer.key + "x", customer.key[:-1]):
            reply = customer.http.post(customer.url, data={"key": key, "action": action, **params})
            assert reply_of(reply) == {"error": "Invalid API key"}, (action, key)
    suspend_account(account_id=customer.account.pk, acting_user=Actor.system())
    for action in ACTIONS:
        reply = customer.http.post(
            customer.url, data={"key": customer.key, "action": action, **params}
        )
        assert reply_of(reply) == {"error": "Your account is suspended"}, action
    assert customer.state() == before
