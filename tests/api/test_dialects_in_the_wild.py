"""Dialects of real clients beyond the five seed panels, through real HTTP against `smmpanel serve`:
absent arguments written as `undefined`, `null` or `None` (JavaScript, Python), lists written
with brackets (PHP's http_build_query, JavaScript's qs), and `order` holding several ids."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from smmpanel.accounts.models import Account
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order, OrderStatus, Refill
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db(transaction=True)

JSON = "application/json; charset=utf-8"
FORM = "application/x-www-form-urlencoded"
LINK = "https://instagram.com/natgeo"
INCORRECT_REQUEST = {"error": "Incorrect request"}
INCORRECT_ORDER = {"error": "Incorrect order ID"}
ABSENT = ["undefined", "null", "None", ""]
# How a body or query string is written: PHP's http_build_query and qs escape the brackets
# ("orders%5B0%5D=1"), hand-written URLs and some clients don't ("orders[]=1").
ENCODINGS = ["form-escaped", "form-literal", "query-escaped", "query-literal", "multipart"]


@dataclass
class Api:
    url: str
    key: str
    account: Account

    def call(self, encoding: str, fields: list[tuple[str, Any]]) -> Any:
        """The reply to `fields` (name, value pairs, repeated names kept) sent as `encoding`."""
        pairs = [("key", self.key), *((name, str(value)) for name, value in fields)]
        if encoding == "multipart":
            # Repeated names stay repeated in a multipart body; a file makes it multipart.
            data: dict[str, list[str]] = {}
            for name, value in pairs:
                data.setdefault(name, []).append(value)
            response = httpx.post(
                self.url, data=data, files={"attachment": ("a.txt", b"x")}, timeout=30
            )
        else:
            literal = encoding.endswith("literal")
            text = urlencode(pairs, quote_via=quote, safe="[]" if literal else "")
            if literal:
                assert "[" in text or "[" not in "".join(name for name, _ in pairs)
            if encoding.startswith("query"):
                response = httpx.get(f"{self.url}?{text}", timeout=30)
            else:
                response = httpx.post(
                    self.url, content=text, headers={"Content-Type": FORM}, timeout=30
                )
        return self._reply(response)

    def json(self, body: dict[str, Any]) -> Any:
        return self._reply(httpx.post(self.url, json={"key": self.key, **body}, timeout=30))

    @staticmethod
    def _reply(response: httpx.Response) -> Any:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == JSON
        return response.json()

    @property
    def balance(self) -> Decimal:
        return Account.objects.get(pk=self.account.pk).balance


@pytest.fixture
def api(panel_server) -> Api:
    account, key = make_account("100")
    return Api(panel_server.api, key, account)


def add(api: Api, service_id: int, quantity: int = 100) -> int:
    fields = [("action", "add"), ("service", service_id), ("link", LINK), ("quantity", quantity)]
    return api.call("form-escaped", fields)["order"]


# --- absent arguments: undefined, null, None, empty -----------------------------------------
@pytest.mark.parametrize("absent", ABSENT)
@pytest.mark.parametrize("encoding", ["form-escaped", "query-escaped", "multipart"])
def test_absent_dripfeed_arguments_are_not_given(api, absent, encoding):
    """`runs=undefined&interval=undefined`, as a JavaScript client sends unset arguments, is an
    ordinary order, not a drip-feed request of a service without drip-feed."""
    service = make_service()
    fields = [("action", "add"), ("service", service.pk), ("link", LINK), ("quantity", 100)]
    reply = api.call(encoding, [*fields, ("runs", absent), ("interval", absent)])
    order = Order.objects.get()
    assert reply == {"order": order.pk}
    assert (order.quantity, order.runs, order.interval, order.charge) == (
        100,
        None,
        None,
        Decimal("0.09"),
    )


@pytest.mark.parametrize("absent", [*ABSENT, pytest.param(None, id="json-null")])
def test_absent_dripfeed_arguments_in_json_are_not_given(api, absent):
    service = make_service()
    body = {"action": "add", "service": service.pk, "link": LINK, "quantity": 100}
    reply = api.json({**body, "runs": absent, "interval": absent})
    assert reply == {"order": Order.objects.get(runs=None).pk}


@pytest.mark.parametrize("absent", ABSENT)
def test_absent_optional_fields_of_an_order_type_are_not_given(api, absent):
    subscription = make_service(type=OrderType.SUBSCRIPTIONS)
    traffic = make_service(type=OrderType.WEB_TRAFFIC)
    reply = api.call(
        "form-escaped",
        [
            ("action", "add"),
            ("service", subscription.pk),
            ("username", "alice"),
            ("min", 50),
            ("max", 100),
            *((name, absent) for name in ("posts", "old_posts", "delay", "expiry")),
        ],
    )
    unlimited = Order.objects.get(pk=reply["order"])
    # The panel's own bookkeeping beside the fields given: posts served, the price of a post.
    assert unlimited.details == {"username": "alice", "min": 50, "max": 100, "delay": 0} | {
        "posts_served": 0,
        "post_charge": "0.09000",
    }
    reply = api.call(
        "form-escaped",
        [
            ("action", "add"),
            ("service", traffic.pk),
            ("link", LINK),
            ("quantity", 100),
            *((name, absent) for name in ("country", "device", "google_keyword", "runs")),
        ],
    )
    assert Order.objects.get(pk=reply["order"]).details == {}


@pytest.mark.parametrize("absent", ABSENT)
def test_an_absent_idempotency_key_is_no_key(api, absent):
    """Two different orders that each carry `idempotency_key=undefined` are two orders, not a
    retry and a refused reuse of the key "undefined"."""
    service = make_service()
    fields = [("action", "add"), ("service", service.pk), ("link", LINK)]
    first = api.call("form-escaped", [*fields, ("quantity", 100), ("idempotency_key", absent)])
    second = api.call("form-escaped", [*fields, ("quantity", 200), ("idempotency_key", absent)])
    assert first != second
    assert sorted(Order.objects.values_list("quantity", "idempotency_key")) == [
        (100, None),
        (200, None),
    ]


@pytest.mark.parametrize("absent", ABSENT)
def test_an_absent_key_parameter_falls_back_to_the_bearer_header(api, absent):
    response = httpx.post(
        api.url,
        data={"key": absent, "action": "balance"},
        headers={"Authorization": f"Bearer {api.key}"},
        timeout=30,
    )
    assert Api._reply(response) == {"balance": "100.00", "currency": "USD"}


@pytest.mark.parametrize("absent", ABSENT)
def test_an_absent_list_leaves_the_single_id(api, absent):
    """`orders=undefined&order=5` is a question about order 5, in the single shape."""
    service = make_service(cancel=True)
    order_id = add(api, service.pk)
    status = api.call(
        "form-escaped", [("action", "status"), ("orders", absent), ("order", order_id)]
    )
    assert status["status"] == "Pending"
    assert "currency" in status
    cancel = api.call(
        "form-escaped", [("action", "cancel"), ("orders", absent), ("order", order_id)]
    )
    assert cancel == [{"order": order_id, "cancel": 1}]


@pytest.mark.parametrize("absent", ABSENT)
def test_an_absent_list_of_refills_and_product_orders_leaves_the_single_id(api, absent):
    service = make_service(refill=True)
    order_id = add(api, service.pk)
    apply_status(order_id=order_id, status=OrderStatus.COMPLETED, start_count=1, remains=0)
    refill = api.call(
        "form-escaped", [("action", "refill"), ("orders", absent), ("order", order_id)]
    )
    assert refill == {"refill": str(Refill.objects.get().pk)}
    refill_status = api.call(
        "form-escaped",
        [("action", "refill_status"), ("refills", absent), ("refill", refill["refill"])],
    )
    assert refill_status == {"status": "Pending"}
    product = make_product(stock=1)
    bought = api.call(
        "form-escaped",
        [("action", "add_product_order"), ("product", product.pk), ("quantity", 1)],
    )["order"]
    product_status = api.call(
        "form-escaped",
        [("action", "product_order_status"), ("orders", absent), ("order", bought)],
    )
    assert product_status["status"] == "Completed"


# --- lists with brackets: orders[]=1&orders[]=2, orders[0]=1&orders[1]=2 --------------------
def listed(name: str, ids: list[Any], style: str) -> list[tuple[str, Any]]:
    if style == "[]":
        return [(f"{name}[]", pk) for pk in ids]
    return [(f"{name}[{index}]", pk) for index, pk in enumerate(ids)]


@pytest.mark.parametrize("style", ["[]", "[n]"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_status_of_a_bracketed_list_answers_as_orders(api, encoding, style):
    service = make_service()
    first, second = add(api, service.pk), add(api, service.pk)
    ids = [first, second, "abc", first]
    reply = api.call(encoding, [("action", "status"), *listed("orders", ids, style)])
    comma = api.call(encoding, [("action", "status"), ("orders", f"{first},{second},abc,{first}")])
    assert reply == comma
    assert list(reply) == [str(first), str(second), "abc"]
    assert reply[str(first)]["status"] == "Pending"
    assert reply["abc"] == INCORRECT_ORDER


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_list_action_reads_a_bracketed_list(api, encoding):
    service = make_service(refill=True, cancel=True)
    first, second = add(api, service.pk), add(api, service.pk)
    apply_status(order_id=first, status=OrderStatus.COMPLETED, start_count=1, remains=0)

    refills = api.call(encoding, [("action", "refill"), *listed("orders", [first, second], "[]")])
    refill_id = Refill.objects.get().pk
    assert refills == [
        {"order": first, "refill": refill_id},
        {"order": second, "refill": {"error": "Refill is available for completed orders only"}},
    ]
    statuses = api.call(
        encoding, [("action", "refill_status"), *listed("refills", [refill_id, 404404404], "[n]")]
    )
    assert statuses == [
        {"refill": refill_id, "status": "Pending"},
        {"refill": 404404404, "status": {"error": "Refill not found"}},
    ]
    cancels = api.call(encoding, [("action", "cancel"), *listed("orders", [second, first], "[]")])
    assert cancels == [
        {"order": second, "cancel": 1},
        {"order": first, "cancel": {"error": "The order is already finished"}},
    ]
    product = make_product(stock=2)
    bought = api.call(
        encoding, [("action", "add_product_order"), ("product", product.pk), ("quantity", 1)]
    )["order"]
    products = api.call(
        encoding, [("action", "product_order_status"), *listed("orders", [bought, "x"], "[n]")]
    )
    assert list(products) == [str(bought), "x"]
    assert products["x"] == INCORRECT_ORDER


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_plain_list_and_a_bracketed_one_join(api, encoding):
    service = make_service()
    first, second, third = (add(api, service.pk) for _ in range(3))
    fields = [("action", "status"), ("orders[]", third), ("orders", f"{first},{second}")]
    assert list(api.call(encoding, fields)) == [str(first), str(second), str(third)]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_empty_bracketed_list_is_no_list(api, encoding):
    service = make_service()
    order_id = add(api, service.pk)
    single = api.call(encoding, [("action", "status"), ("orders[]", ""), ("order", order_id)])
    assert single["status"] == "Pending"
    assert api.call(encoding, [("action", "status"), ("orders[]", "")]) == INCORRECT_ORDER
    items = [("orders[]", value) for value in ("", "undefined", "null")]
    assert api.call(encoding, [("action", "cancel"), *items]) == INCORRECT_ORDER


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_bracketed_list_of_more_than_100_ids_is_too_many(api, encoding):
    fields = [("action", "status"), *listed("orders", list(range(1, 102)), "[]")]
    assert api.call(encoding, fields) == {"error": "Too many IDs: maximum is 100"}
    fields = [("action", "refill_status"), *listed("refills", list(range(1, 102)), "[n]")]
    assert api.call(encoding, fields) == {"error": "Too many IDs: maximum is 100"}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", ["orders[a]", "orders[0][id]", "orders[]x", "note[to]"])
def test_a_bracketed_name_that_is_no_list_is_an_incorrect_request(api, encoding, name):
    """PHP's `orders[a]=1` is an associative array: an object, refused as a JSON object is."""
    service = make_service()
    order_id = add(api, service.pk)
    fields = [("action", "status"), ("order", order_id), (name, order_id)]
    assert api.call(encoding, fields) == INCORRECT_REQUEST


COMMENTS = ["Great shot, really", "Love it 🔥", "null", "", "1,2,3"]


@pytest.mark.parametrize("encoding", [*ENCODINGS, "json"])
def test_a_list_of_comments_is_one_comment_per_item_commas_kept(api, encoding):
    service = make_service(type=OrderType.CUSTOM_COMMENTS, rate=Decimal("8"), min_quantity=1)
    fields = [("action", "add"), ("service", service.pk), ("link", LINK)]
    if encoding == "json":
        reply = api.json({**dict(fields), "comments": COMMENTS})
    else:
        reply = api.call(encoding, [*fields, *listed("comments", COMMENTS, "[n]")])
    order = Order.objects.get(pk=reply["order"])
    assert order.details == {"comments": "Great shot, really\nLove it 🔥\n1,2,3"}
    assert (order.quantity, order.charge) == (3, Decimal("0.024"))


@pytest.mark.parametrize("encoding", [*ENCODINGS, "json"])
def test_a_list_of_usernames_is_one_username_per_item(api, encoding):
    service = make_service(type=OrderType.MENTIONS_CUSTOM_LIST, min_quantity=1)
    fields = [("action", "add"), ("service", service.pk), ("link", LINK)]
    names = ["alice", "bob", "carol"]
    if encoding == "json":
        reply = api.json({**dict(fields), "usernames": names})
    else:
        reply = api.call(encoding, [*fields, *listed("usernames", names, "[]")])
    order = Order.objects.get(pk=reply["order"])
    assert (order.details, order.quantity) == ({"usernames": "alice\nbob\ncarol"}, 3)


def test_a_comma_separated_comments_text_is_one_comment(api):
    service = make_service(type=OrderType.CUSTOM_COMMENTS, rate=Decimal("8"), min_quantity=1)
    fields = [("action", "add"), ("service", service.pk), ("link", LINK), ("comments", "a,b,c")]
    order = Order.objects.get(pk=api.call("form-escaped", fields)["order"])
    assert (order.details, order.quantity) == ({"comments": "a,b,c"}, 1)


# --- order holding several ids --------------------------------------------------------------
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_status_of_an_order_list_answers_as_orders(api, encoding):
    service = make_service()
    first, second = add(api, service.pk), add(api, service.pk)
    as_orders = api.call(encoding, [("action", "status"), ("orders", f"{first},{second},x")])
    as_order = api.call(encoding, [("action", "status"), ("order", f"{first},{second},x")])
    assert as_order == as_orders
    assert list(as_order) == [str(first), str(second), "x"]
    bracketed = api.call(encoding, [("action", "status"), *listed("order", [first, second], "[]")])
    assert list(bracketed) == [str(first), str(second)]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_single_order_keeps_the_single_shape_and_a_list_of_one_the_list_shape(api, encoding):
    service = make_service()
    order_id = add(api, service.pk)
    single = api.call(encoding, [("action", "status"), ("order", order_id)])
    assert single == {
        "charge": "0.09",
        "start_count": "0",
        "status": "Pending",
        "remains": "100",
        "currency": "USD",
    }
    # A comma or brackets make a list, however many ids it holds.
    assert api.call(encoding, [("action", "status"), ("order", f"{order_id},")]) == {
        str(order_id): single
    }
    assert api.call(encoding, [("action", "status"), ("order[]", order_id)]) == {
        str(order_id): single
    }


def test_an_order_list_in_json_answers_as_orders(api):
    service = make_service()
    first, second = add(api, service.pk), add(api, service.pk)
    reply = api.json({"action": "status", "order": [first, second]})
    assert list(reply) == [str(first), str(second)]
    assert list(api.json({"action": "status", "order": [first]})) == [str(first)]
    assert api.json({"action": "status", "order": first})["status"] == "Pending"
    assert api.json({"action": "status", "order": []}) == INCORRECT_ORDER


def test_orders_wins_over_an_order_list(api):
    service = make_service()
    first, second = add(api, service.pk), add(api, service.pk)
    fields = [("action", "status"), ("order", f"{first},{second}"), ("orders", second)]
    assert list(api.call("form-escaped", fields)) == [str(second)]


def test_refill_and_refill_status_of_a_list_answer_as_their_plurals(api):
    service = make_service(refill=True)
    first, second = add(api, service.pk), add(api, service.pk)
    apply_status(order_id=first, status=OrderStatus.COMPLETED, start_count=1, remains=0)
    refills = api.call("form-escaped", [("action", "refill"), ("order", f"{first},{second}")])
    refill_id = Refill.objects.get().pk
    assert refills == [
        {"order": first, "refill": refill_id},
        {"order": second, "refill": {"error": "Refill is available for completed orders only"}},
    ]
    statuses = api.call(
        "form-escaped", [("action", "refill_status"), ("refill", f"{refill_id},404404404")]
    )
    assert statuses == [
        {"refill": refill_id, "status": "Pending"},
        {"refill": 404404404, "status": {"error": "Refill not found"}},
    ]
    assert api.call("form-escaped", [("action", "refill_status"), ("refill", refill_id)]) == {
        "status": "Pending"
    }


def test_product_order_status_of_an_order_list_answers_as_orders(api):
    product = make_product(stock=2)
    bought = [
        api.call(
            "form-escaped",
            [("action", "add_product_order"), ("product", product.pk), ("quantity", 1)],
        )["order"]
        for _ in range(2)
    ]
    reply = api.call(
        "form-escaped", [("action", "product_order_status"), ("order", f"{bought[0]},{bought[1]}")]
    )
    assert list(reply) == [str(pk) for pk in bought]
    assert {item["status"] for item in reply.values()} == {"Completed"}
