"""The OpenAPI description of API v2: a valid document, served as shipped, and true to the server.

The conformance tests call every action of a real `smmpanel serve` over HTTP, and check each JSON
reply against the reply schema of the document (its `$ref`s resolved in the whole document), and
against the action's own reply schema.
"""

import json
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from smmpanel.accounts.actions import suspend_account
from smmpanel.api import dialect, openapi, views
from smmpanel.api.actions import ACTIONS
from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Product
from smmpanel.catalog.order_types import SPECS, OrderType
from smmpanel.orders.models import Order, OrderStatus, RefillStatus
from smmpanel.orders.product_orders import apply_product_status
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_product, make_service

DOCUMENT = json.loads(openapi.PATH.read_text(encoding="utf-8"))
BASE = "urn:smmpanel:api-v2-openapi"
REGISTRY = Registry().with_resource(
    BASE, Resource.from_contents(DOCUMENT, default_specification=DRAFT4)
)
API = "/api/v2"
SCHEMAS = DOCUMENT["components"]["schemas"]
LINK = "https://instagram.com/p/abc"

e2e = pytest.mark.django_db(transaction=True)


# --- reading the document -----------------------------------------------------------------------
def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _at(pointer: str) -> Any:
    node: Any = DOCUMENT
    for part in pointer.lstrip("/").split("/"):
        name = part.replace("~1", "/").replace("~0", "~")
        node = node[int(name)] if isinstance(node, list) else node[name]
    return node


def _followed(pointer: str) -> str:
    """The pointer of the object at `pointer`, following a `$ref` (responses, parameters)."""
    while "$ref" in _at(pointer):
        pointer = _at(pointer)["$ref"].removeprefix("#")
    return pointer


def validator(pointer: str) -> OAS30Validator:
    """A validator of the document's schema at `pointer`, its `$ref`s resolved in the document."""
    return OAS30Validator(
        {"$ref": f"{BASE}#{pointer}"},
        registry=REGISTRY,
        format_checker=OAS30Validator.FORMAT_CHECKER,
    )


def response_schema(status: int, method: str = "post") -> str:
    response = _followed(f"/paths/{_escape(API)}/{method}/responses/{status}")
    return f"{response}/content/application~1json/schema"


REPLY = validator(response_schema(200))
NOT_FOUND = validator(response_schema(404, "get"))
INTERNAL_ERROR = validator(response_schema(500))
REQUEST = validator(f"/paths/{_escape(API)}/post/requestBody/content/application~1json/schema")


def component(name: str) -> OAS30Validator:
    return validator(f"/components/schemas/{name}")


def check(reply: httpx.Response, shape: str) -> Any:
    """The reply's JSON, after checking it is a 200 JSON reply of the documented shape."""
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json; charset=utf-8"
    data = reply.json()
    REPLY.validate(data)
    component(shape).validate(data)
    return data


def post(server, key: str | None, **params: Any) -> httpx.Response:
    """A form POST of `params` (checked against the documented request body first)."""
    body = {"key": key, **params} if key is not None else params
    REQUEST.validate(body)
    return httpx.post(server.api, data=body, timeout=10)


def post_json(server, key: str, **params: Any) -> httpx.Response:
    body = {"key": key, **params}
    REQUEST.validate(body)
    return httpx.post(server.api, json=body, timeout=10)


# The documented query parameters by name (`orders[]` is documented as `orders_bracketed`).
QUERY_PARAMETERS = {
    parameter["name"]: component
    for component, parameter in DOCUMENT["components"]["parameters"].items()
    if parameter["in"] == "query"
}


def get(server, key: str, **params: Any) -> httpx.Response:
    """A GET with a query string, each parameter checked against the documented one first."""
    for name, value in params.items():
        parameter = _at(f"/components/parameters/{QUERY_PARAMETERS[name]}")
        schema = validator(f"/components/parameters/{QUERY_PARAMETERS[name]}/schema")
        if parameter.get("style") == "form" and parameter.get("explode") is False:
            schema.validate(str(value).split(","))
        else:
            schema.validate(value)
    return httpx.get(server.api, params={"key": key, **params}, timeout=10)


def post_undocumented(server, key: str | None, **params: Any) -> httpx.Response:
    """A form POST that the documented request body refuses, as the server does."""
    body = {"key": key, **params} if key is not None else params
    assert not REQUEST.is_valid(body)
    return httpx.post(server.api, data=body, timeout=10)


def assert_error(reply: httpx.Response, message: str) -> None:
    assert check(reply, "Error") == {"error": message}


# --- the document -------------------------------------------------------------------------------
def test_document_is_valid_openapi_3_0():
    assert DOCUMENT["openapi"] == "3.0.3"
    validate(DOCUMENT)


@pytest.mark.django_db
def test_served_document_is_the_shipped_file(client):
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == openapi.PATH.read_bytes()


def test_document_names_every_action_of_the_server():
    request = SCHEMAS["ApiRequest"]
    mapping = request["discriminator"]["mapping"]
    assert set(mapping) == set(ACTIONS)
    for action, target in mapping.items():
        schema = _at(target.removeprefix("#"))
        assert schema["properties"]["action"]["enum"] == [action]
        assert "action" in schema["required"]
    assert [item["$ref"] for item in request["oneOf"]] == list(mapping.values())
    get_action = _at(_followed(f"/paths/{_escape(API)}/get/parameters/0"))
    assert get_action["name"] == "action"
    assert set(get_action["schema"]["enum"]) == set(ACTIONS)


def test_every_body_type_has_the_same_request_schema():
    content = DOCUMENT["paths"][API]["post"]["requestBody"]["content"]
    assert set(content) == {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json",
    }
    assert {json.dumps(media["schema"]) for media in content.values()} == {
        json.dumps({"$ref": "#/components/schemas/ApiRequest"})
    }


def test_add_documents_every_order_type_field():
    fields = {field.name for spec in SPECS.values() for field in spec.fields}
    documented = set(SCHEMAS["AddRequest"]["properties"])
    assert fields | {
        "key",
        "action",
        "service",
        "link",
        "quantity",
        "runs",
        "interval",
        "idempotency_key",
    } == (documented)
    get_parameters = {
        _at(parameter["$ref"].removeprefix("#"))["name"]
        for parameter in DOCUMENT["paths"][API]["get"]["parameters"]
    }
    assert documented <= get_parameters


def test_reply_enums_match_the_models():
    assert SCHEMAS["Service"]["properties"]["type"]["enum"] == OrderType.values
    order = set(SCHEMAS["OrderStatus"]["properties"]["status"]["enum"])
    subscription = set(SCHEMAS["SubscriptionStatus"]["properties"]["status"]["enum"])
    assert order | subscription == set(OrderStatus.values)
    assert SCHEMAS["RefillStatus"]["properties"]["status"]["enum"] == RefillStatus.values
    assert SCHEMAS["Product"]["properties"]["type"]["enum"] == Product.Type.values


def test_documented_examples_match_their_schemas():
    reply = _at(_followed(f"/paths/{_escape(API)}/post/responses/200"))
    for example in reply["content"]["application/json"]["examples"].values():
        REPLY.validate(example["value"])
    for example in DOCUMENT["paths"][API]["post"]["requestBody"]["content"]["application/json"][
        "examples"
    ].values():
        REQUEST.validate(example["value"])
    component("MultiStatus").validate(SCHEMAS["MultiStatus"]["example"])


def test_not_given_lists_what_the_server_reads_as_not_given():
    assert set(SCHEMAS["NotGiven"]["enum"]) == {*dialect.ABSENT, None}


@pytest.mark.parametrize("value", ["undefined", "null", "None", "", None])
def test_every_optional_parameter_may_be_not_given(value):
    requests = [name for name in SCHEMAS if name.endswith("Request") and name != "ApiRequest"]
    for name in requests:
        schema = SCHEMAS[name]
        for field in set(schema["properties"]) - {"action", *schema["required"]}:
            assert validator(f"/components/schemas/{name}/properties/{field}").is_valid(value), (
                name,
                field,
            )
    for component, parameter in DOCUMENT["components"]["parameters"].items():
        if parameter["in"] == "query" and parameter["schema"].get("type") != "array":
            schema = validator(f"/components/parameters/{component}/schema")
            assert schema.is_valid(value) == (component != "action"), component


@pytest.mark.parametrize(
    "reply",
    [
        {"order": "23501"},
        {"balance": 100.84, "currency": "USD"},
        {"charge": 0.9, "start_count": "1", "status": "Pending", "remains": "1", "currency": "USD"},
        {"status": "Lost"},
        [{"service": "1", "name": "x"}],
        {"1": "Incorrect order ID"},
        {"error": ""},
        {},
    ],
)
def test_reply_schema_refuses_other_shapes(reply):
    assert not REPLY.is_valid(reply)


@pytest.mark.parametrize(
    "request_body",
    [
        {"action": "add"},
        {"action": "status"},
        {"action": "refill_status", "order": 1},
        {"action": "result_product"},
        {"action": "add_product_order", "product": 1},
        {"action": "nope"},
        {"key": "k"},
        {"action": "add", "service": "one"},
    ],
)
def test_request_schema_refuses_incomplete_requests(request_body):
    assert not REQUEST.is_valid(request_body)


@pytest.mark.django_db
def test_internal_error_is_the_documented_json_500(client, monkeypatch):
    _, key = make_account()

    def broken(account, params):
        raise RuntimeError("boom")

    monkeypatch.setitem(ACTIONS, "balance", broken)
    response = client.post("/api/v2", {"key": key, "action": "balance"})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json; charset=utf-8"
    INTERNAL_ERROR.validate(response.json())
    assert response.json() == {"error": "Internal error, please try again later"}


def test_server_error_handler_is_the_documented_json_500(rf):
    response = views.server_error(rf.get("/api/v2"))
    assert response.status_code == 500
    INTERNAL_ERROR.validate(json.loads(response.content))


# --- conformance over real HTTP: every action --------------------------------------------------
MINIMAL_PARAMS: dict[str, dict[str, Any]] = {
    "services": {},
    "add": {"service": 1, "link": LINK, "quantity": 100},
    "status": {"order": 1},
    "refill": {"orders": "1,2"},
    "refill_status": {"refill": 1},
    "cancel": {"orders": "1"},
    "balance": {},
    "products": {},
    "add_product_order": {"product": 1, "quantity": 1},
    "product_order_status": {"orders": [1, 2]},
    "result_product": {"order": 1},
}


def test_every_action_has_minimal_params():
    assert set(MINIMAL_PARAMS) == set(ACTIONS)


@e2e
@pytest.mark.parametrize("action", list(MINIMAL_PARAMS))
def test_every_action_refuses_a_wrong_key_with_the_documented_error(panel_server, action):
    reply = post(panel_server, "wrong-key", action=action, **MINIMAL_PARAMS[action])
    assert_error(reply, "Invalid API key")


# --- the catalog and the balance ----------------------------------------------------------------
@e2e
def test_services_reply_conforms(panel_server):
    _, key = make_account()
    described = make_service(refill=True, cancel=True, dripfeed=True, description="Fast")
    described.average_time = 90
    described.save()
    package = make_service(
        type=OrderType.PACKAGE, min_quantity=1, max_quantity=1, category="Packages"
    )
    services = check(post(panel_server, key, action="services"), "ServiceList")
    by_id = {item["service"]: item for item in services}
    assert by_id[described.pk]["average_time"] == "90"
    assert by_id[described.pk]["desc"] == "Fast"
    assert by_id[described.pk]["rate"] == "0.90"
    assert by_id[package.pk]["type"] == "Package"
    assert by_id[package.pk]["min"] == by_id[package.pk]["max"] == "1"


@e2e
def test_balance_reply_conforms(panel_server):
    account, key = make_account("100.84292")
    assert check(post(panel_server, key, action="balance"), "Balance") == {
        "balance": "100.84292",
        "currency": "USD",
    }
    assert_error(post(panel_server, None, action="balance"), "Invalid API key")
    suspend_account(account_id=account.pk, acting_user=Actor.system())
    assert_error(post(panel_server, key, action="balance"), "Your account is suspended")


# --- add: every order type ----------------------------------------------------------------------
ORDER_TYPE_PARAMS: dict[str, dict[str, Any]] = {
    OrderType.DEFAULT: {"link": LINK, "quantity": 100},
    OrderType.PACKAGE: {"link": LINK},
    OrderType.CUSTOM_COMMENTS: {"link": LINK, "comments": "Nice!\r\nGreat ✓\n\n"},
    OrderType.CUSTOM_COMMENTS_PACKAGE: {"link": LINK, "comments": "one\ntwo"},
    OrderType.MENTIONS_CUSTOM_LIST: {"link": LINK, "usernames": "alice\nbob"},
    OrderType.MENTIONS_HASHTAG: {"link": LINK, "quantity": 100, "hashtag": "sunset"},
    OrderType.MENTIONS_USER_FOLLOWERS: {"link": LINK, "quantity": 100, "username": "alice"},
    OrderType.MENTIONS_MEDIA_LIKERS: {
        "link": LINK,
        "quantity": 100,
        "media": "https://instagram.com/p/xyz",
    },
    OrderType.COMMENT_LIKES: {"link": "@alice", "quantity": 100, "username": "bob"},
    OrderType.POLL: {"link": LINK, "quantity": 100, "answer_number": 2},
    OrderType.INVITES_FROM_GROUPS: {"link": LINK, "quantity": 100, "groups": "group1\ngroup2"},
    OrderType.SUBSCRIPTIONS: {
        "username": "alice",
        "min": 100,
        "max": 200,
        "posts": 3,
        "old_posts": 1,
        "delay": 30,
        "expiry": "31/12/2099",
    },
    OrderType.WEB_TRAFFIC: {
        "link": "https://example.com/",
        "quantity": 100,
        "runs": 2,
        "interval": 10,
        "country": "US",
        "device": 5,
        "type_of_traffic": 1,
        "google_keyword": "smm panel",
        "referring_url": "https://google.com/",
    },
}


def test_every_order_type_is_exercised():
    assert set(ORDER_TYPE_PARAMS) == set(OrderType.values)


@e2e
@pytest.mark.parametrize("encoding", ["form", "json"])
@pytest.mark.parametrize("order_type", list(ORDER_TYPE_PARAMS))
def test_add_and_status_conform_for_every_order_type(panel_server, order_type, encoding):
    _, key = make_account("100")
    package = order_type in (OrderType.PACKAGE, OrderType.CUSTOM_COMMENTS_PACKAGE)
    service = make_service(
        type=order_type, min_quantity=1, max_quantity=1 if package else 10000, dripfeed=True
    )
    send = post if encoding == "form" else post_json
    params = ORDER_TYPE_PARAMS[order_type]
    created = check(
        send(panel_server, key, action="add", service=service.pk, **params), "OrderCreated"
    )
    assert isinstance(created["order"], int)

    reply = post(panel_server, key, action="status", order=created["order"])
    if order_type == OrderType.SUBSCRIPTIONS:
        status = check(reply, "SubscriptionStatus")
        assert {name: status[name] for name in ("status", "expiry", "posts")} == {
            "status": "Active",
            "expiry": "31/12/2099",
            "posts": "0",
        }
    else:
        status = check(reply, "OrderStatus")
        assert status["status"] == "Pending"
        assert ("runs" in status) == ("runs" in params)


@e2e
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"service": 999999}, "Incorrect service ID"),
        ({"link": "not a link", "quantity": 100}, "Incorrect link"),
        ({"link": LINK}, "Missing parameter: quantity"),
        ({"link": LINK, "quantity": 10}, "Quantity less than minimal 50"),
        ({"link": LINK, "quantity": 10001}, "Quantity more than maximal 10000"),
        (
            {"link": LINK, "quantity": 100, "runs": 2, "interval": 5},
            "Drip-feed is not available for this service",
        ),
        ({"link": LINK, "quantity": 10000}, "Not enough funds on balance"),
    ],
)
def test_add_errors_conform(panel_server, params, message):
    _, key = make_account("1")
    service = make_service()
    assert_error(
        post(panel_server, key, action="add", **{"service": service.pk, **params}), message
    )


@e2e
def test_add_retried_with_an_idempotency_key_conforms(panel_server):
    _, key = make_account("10")
    service = make_service()
    params = {"service": service.pk, "link": LINK, "quantity": 100, "idempotency_key": "a-1"}
    first = check(post(panel_server, key, action="add", **params), "OrderCreated")
    assert check(post(panel_server, key, action="add", **params), "OrderCreated") == first
    assert_error(
        post(panel_server, key, action="add", **{**params, "quantity": 200}),
        "This idempotency key was already used with different parameters",
    )
    header = _at("/components/parameters/IdempotencyKeyHeader")
    assert header["in"] == "header"
    by_header = httpx.post(
        panel_server.api,
        data={"key": key, "action": "add", **{**params, "idempotency_key": ""}},
        headers={header["name"]: "a-1"},
        timeout=10,
    )
    assert check(by_header, "OrderCreated") == first


@e2e
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"service": "abc", "link": LINK, "quantity": 100}, "Incorrect service ID"),
        ({"link": LINK, "quantity": "1e3"}, "Incorrect quantity: a whole number is required"),
        ({"link": LINK, "quantity": "100.5"}, "Incorrect quantity: a whole number is required"),
        (
            {"link": LINK, "quantity": 100, "runs": "two"},
            "Incorrect runs: a whole number from 2 to 1000",
        ),
    ],
)
def test_add_refused_by_the_request_schema_is_refused_by_the_server(panel_server, params, message):
    _, key = make_account("1")
    service = make_service(dripfeed=True)
    assert_error(
        post_undocumented(panel_server, key, action="add", **{"service": service.pk, **params}),
        message,
    )


@e2e
def test_disabled_service_and_missing_type_field_errors_conform(panel_server):
    _, key = make_account("10")
    disabled = make_service()
    disabled.active = False
    disabled.save()
    assert_error(
        post(panel_server, key, action="add", service=disabled.pk, link=LINK, quantity=100),
        "Service is disabled",
    )
    poll = make_service(type=OrderType.POLL)
    assert_error(
        post(panel_server, key, action="add", service=poll.pk, link=LINK, quantity=100),
        "Missing parameter: answer_number",
    )


# --- status -------------------------------------------------------------------------------------
@e2e
def test_status_of_several_orders_conforms(panel_server):
    _, key = make_account("100")
    _, other_key = make_account("100")
    service = make_service(dripfeed=True)
    subscription = make_service(type=OrderType.SUBSCRIPTIONS)

    def add(customer_key: str, **params: Any) -> int:
        reply = post(panel_server, customer_key, action="add", **params)
        return check(reply, "OrderCreated")["order"]

    plain = add(key, service=service.pk, link=LINK, quantity=100)
    dripfeed = add(key, service=service.pk, link=LINK, quantity=100, runs=3, interval=5)
    unlimited = add(key, service=subscription.pk, username="alice", min=50, max=100)
    foreign = add(other_key, service=service.pk, link=LINK, quantity=100)
    apply_status(order_id=plain, status=OrderStatus.PARTIAL, start_count=3572, remains=-5)

    raw = f"{plain}, {dripfeed},{unlimited},{plain},abc,{foreign},999999999"
    statuses = check(post(panel_server, key, action="status", orders=raw), "MultiStatus")
    assert list(statuses) == [
        str(plain),
        str(dripfeed),
        str(unlimited),
        "abc",
        str(foreign),
        "999999999",
    ]
    assert statuses[str(plain)] == {
        "charge": "0.09",
        "start_count": "3572",
        "status": "Partial",
        "remains": "-5",
        "currency": "USD",
    }
    assert statuses[str(dripfeed)]["runs"] == "3"
    assert statuses[str(dripfeed)]["interval"] == "5"
    # An order without expiry answers null: see SubscriptionStatus.expiry.
    assert statuses[str(unlimited)] == {
        "status": "Active",
        "expiry": None,
        "posts": "0",
        "charge": "0.00",
        "currency": "USD",
    }
    for missing in ("abc", str(foreign), "999999999"):
        assert statuses[missing] == {"error": "Incorrect order ID"}

    json_statuses = check(
        post_json(panel_server, key, action="status", orders=[plain, dripfeed]), "MultiStatus"
    )
    assert list(json_statuses) == [str(plain), str(dripfeed)]


@e2e
def test_status_errors_conform(panel_server):
    _, key = make_account("10")
    assert_error(post(panel_server, key, action="status", order=999999), "Incorrect order ID")
    assert_error(
        post_undocumented(panel_server, key, action="status", order="abc"), "Incorrect order ID"
    )
    assert_error(post(panel_server, key, action="status", orders=",,"), "Incorrect order ID")
    too_many = ",".join(str(n) for n in range(1, 102))
    assert_error(
        post(panel_server, key, action="status", orders=too_many), "Too many IDs: maximum is 100"
    )


# --- refill, refill_status, cancel --------------------------------------------------------------
@e2e
def test_refill_and_refill_status_conform(panel_server):
    _, key = make_account("100")
    service = make_service(refill=True)
    no_refill = make_service()

    def completed(on=service) -> int:
        reply = post(panel_server, key, action="add", service=on.pk, link=LINK, quantity=100)
        order = check(reply, "OrderCreated")["order"]
        apply_status(order_id=order, status=OrderStatus.COMPLETED, start_count=10, remains=0)
        return order

    first, second, third, plain = completed(), completed(), completed(), completed(no_refill)
    pending = check(
        post(panel_server, key, action="add", service=service.pk, link=LINK, quantity=100),
        "OrderCreated",
    )["order"]

    refill = check(post(panel_server, key, action="refill", order=first), "RefillCreated")
    assert refill["refill"].isdigit()
    assert_error(
        post(panel_server, key, action="refill", order=first),
        "A refill of this order is already in progress",
    )
    assert_error(
        post(panel_server, key, action="refill", order=plain),
        "Refill is not available for this service",
    )

    items = check(
        post(panel_server, key, action="refill", orders=f"{second},{pending},abc,{third}"),
        "RefillList",
    )
    assert items[0]["order"] == second and isinstance(items[0]["refill"], int)
    assert items[1] == {
        "order": pending,
        "refill": {"error": "Refill is available for completed orders only"},
    }
    assert items[2] == {"order": "abc", "refill": {"error": "Incorrect order ID"}}
    assert items[3]["order"] == third and isinstance(items[3]["refill"], int)

    status = check(
        post(panel_server, key, action="refill_status", refill=refill["refill"]), "RefillStatus"
    )
    assert status == {"status": "Pending"}
    assert_error(post(panel_server, key, action="refill_status", refill=999999), "Refill not found")
    assert_error(
        post_undocumented(panel_server, key, action="refill_status", refill="abc"),
        "Incorrect refill ID",
    )
    statuses = check(
        post(
            panel_server,
            key,
            action="refill_status",
            refills=f"{refill['refill']},{items[0]['refill']},999999,abc",
        ),
        "RefillStatusList",
    )
    assert statuses == [
        {"refill": int(refill["refill"]), "status": "Pending"},
        {"refill": items[0]["refill"], "status": "Pending"},
        {"refill": 999999, "status": {"error": "Refill not found"}},
        {"refill": "abc", "status": {"error": "Incorrect refill ID"}},
    ]


@e2e
def test_cancel_conforms(panel_server):
    _, key = make_account("100")
    cancelable = make_service(cancel=True)
    fixed = make_service()

    def add(service) -> int:
        reply = post(panel_server, key, action="add", service=service.pk, link=LINK, quantity=100)
        return check(reply, "OrderCreated")["order"]

    first, second, other = add(cancelable), add(cancelable), add(fixed)
    items = check(
        post(panel_server, key, action="cancel", orders=f"{first},{other},abc,999999"),
        "CancelList",
    )
    assert items == [
        {"order": first, "cancel": 1},
        {"order": other, "cancel": {"error": "Cancel is not available for this service"}},
        {"order": "abc", "cancel": {"error": "Incorrect order ID"}},
        {"order": 999999, "cancel": {"error": "Incorrect order ID"}},
    ]
    assert check(post(panel_server, key, action="cancel", order=second), "CancelList") == [
        {"order": second, "cancel": 1}
    ]
    assert check(post(panel_server, key, action="cancel", order=second), "CancelList") == [
        {"order": second, "cancel": {"error": "A cancel of this order is already requested"}}
    ]
    assert_error(post_undocumented(panel_server, key, action="cancel"), "Incorrect order ID")


# --- the digital-goods extension ----------------------------------------------------------------
@e2e
def test_products_reply_conforms(panel_server):
    _, key = make_account()
    auto = make_product(stock=3)
    empty = make_product(stock=0)
    manual = make_product(type=Product.Type.SERVICE, require="Input your account")
    products = {
        item["product"]: item
        for item in check(post(panel_server, key, action="products"), "ProductList")
    }
    assert products[auto.pk]["status"] == "In stock"
    assert products[auto.pk]["inventory"] == 3
    assert products[auto.pk]["rate"] == 2.5
    assert products[empty.pk]["status"] == "Out of stock"
    assert products[empty.pk]["inventory"] == 0
    assert "inventory" not in products[manual.pk]
    assert products[manual.pk]["require"] == "Input your account"


@e2e
def test_product_orders_conform(panel_server):
    _, key = make_account("100")
    auto = make_product(stock=3)
    manual = make_product(type=Product.Type.SERVICE, require="Input your account")

    def buy(product, **params: Any) -> int:
        reply = post(panel_server, key, action="add_product_order", product=product.pk, **params)
        return check(reply, "OrderCreated")["order"]

    delivered = buy(auto, quantity=2)
    waiting = buy(manual, quantity=1, require="me@example.com")
    partial = buy(manual, quantity=4, require="me@example.com")
    apply_product_status(
        product_order_id=partial,
        status=OrderStatus.PARTIAL,
        remains=1,
        result="a\nb\nc",
        note="Out of stock",
    )

    one = check(
        post(panel_server, key, action="product_order_status", order=delivered),
        "ProductOrderStatus",
    )
    assert one == {
        "charge": 5,
        "status": "Completed",
        "result": f"item-{auto.pk}-0\nitem-{auto.pk}-1",
    }
    several = check(
        post(
            panel_server,
            key,
            action="product_order_status",
            orders=f"{waiting},{partial},x",
        ),
        "ProductMultiStatus",
    )
    assert several == {
        str(waiting): {"charge": 2.5, "status": "Pending"},
        str(partial): {
            "charge": 10,
            "status": "Partial",
            "remains": 1,
            "result": "a\nb\nc",
            "note": "Out of stock",
        },
        "x": {"error": "Incorrect order ID"},
    }
    result = check(
        post(panel_server, key, action="result_product", order=delivered), "ProductResult"
    )
    assert result == {"result": [f"item-{auto.pk}-0", f"item-{auto.pk}-1"]}
    assert check(
        post(panel_server, key, action="result_product", order=waiting), "ProductResult"
    ) == {"result": []}


@e2e
def test_product_order_errors_conform(panel_server):
    _, key = make_account("100")
    _, other_key = make_account("100")
    auto = make_product(stock=1)
    manual = make_product(type=Product.Type.SERVICE, require="Input your account")
    order = check(
        post(panel_server, key, action="add_product_order", product=auto.pk, quantity=1),
        "OrderCreated",
    )["order"]
    assert_error(
        post(panel_server, key, action="add_product_order", product=999999, quantity=1),
        "Incorrect product ID",
    )
    assert_error(
        post(panel_server, key, action="add_product_order", product=auto.pk, quantity=1),
        "Product is out of stock",
    )
    assert_error(
        post(panel_server, key, action="add_product_order", product=manual.pk, quantity=1),
        "Missing parameter: require",
    )
    assert_error(
        post(
            panel_server,
            key,
            action="add_product_order",
            product=manual.pk,
            quantity=11,
            require="me",
        ),
        "Quantity more than maximal 10",
    )
    assert_error(
        post(panel_server, other_key, action="product_order_status", order=order),
        "Incorrect order ID",
    )
    assert_error(
        post(panel_server, other_key, action="result_product", order=order), "Incorrect order ID"
    )


# --- transport: every dialect answers the documented shapes -------------------------------------
@e2e
def test_every_path_method_and_body_answers_the_documented_reply(panel_server):
    _, key = make_account("12.5")
    expected = {"balance": "12.50", "currency": "USD"}
    for path in ("/api/v2", "/api/v2/", "/api", "/api/"):
        url = panel_server.url + path
        assert check(httpx.get(url, params={"key": key, "action": "balance"}), "Balance") == (
            expected
        )
        assert check(httpx.post(url, data={"key": key, "action": "balance"}), "Balance") == (
            expected
        )
    assert (
        check(
            httpx.post(panel_server.api, files={"key": (None, key), "action": (None, "balance")}),
            "Balance",
        )
        == expected
    )
    assert (
        check(
            httpx.post(
                panel_server.api,
                json={"action": "BALANCE"},
                headers={"Authorization": f"Bearer {key}"},
            ),
            "Balance",
        )
        == expected
    )
    assert (
        check(httpx.post(f"{panel_server.api}?action=balance", data={"key": key}), "Balance")
        == expected
    )


@e2e
def test_get_with_a_query_string_conforms(panel_server):
    _, key = make_account("10")
    service = make_service()
    services = check(get(panel_server, key, action="services"), "ServiceList")
    assert [item["service"] for item in services] == [service.pk]
    order = check(
        get(panel_server, key, action="add", service=service.pk, link=LINK, quantity=100),
        "OrderCreated",
    )["order"]
    assert (
        check(get(panel_server, key, action="status", order=order), "OrderStatus")["status"]
        == "Pending"
    )
    statuses = check(
        get(panel_server, key, action="status", orders=f"{order},999999"), "MultiStatus"
    )
    assert statuses[str(order)]["charge"] == "0.09"
    assert statuses["999999"] == {"error": "Incorrect order ID"}
    assert_error(
        get(panel_server, key, action="refill", order=order),
        ("Refill is not available for this service"),
    )


# --- dialects in the wild: arguments not given, bracketed lists, several ids in `order` ---------
@e2e
@pytest.mark.parametrize("absent", ["undefined", "null", "None", ""])
def test_arguments_not_given_conform(panel_server, absent):
    _, key = make_account("10")
    service = make_service()
    reply = post(
        panel_server,
        key,
        action="add",
        service=service.pk,
        link=LINK,
        quantity=100,
        runs=absent,
        interval=absent,
        idempotency_key=absent,
    )
    order = check(reply, "OrderCreated")["order"]
    assert Order.objects.values_list("runs", "idempotency_key").get(pk=order) == (None, None)
    status = post(panel_server, key, action="status", orders=absent, order=order)
    assert check(status, "OrderStatus")["status"] == "Pending"
    status = get(panel_server, key, action="status", order=order, refill=absent, orders=absent)
    assert check(status, "OrderStatus")["status"] == "Pending"


@e2e
def test_null_arguments_in_json_conform(panel_server):
    _, key = make_account("10")
    service = make_service()
    reply = post_json(
        panel_server,
        key,
        action="add",
        service=service.pk,
        link=LINK,
        quantity=100,
        runs=None,
        interval=None,
    )
    assert check(reply, "OrderCreated")["order"] == Order.objects.get(runs=None).pk


@e2e
def test_bracketed_lists_conform(panel_server):
    _, key = make_account("10")
    service = make_service(cancel=True)
    first, second = (
        check(
            post(panel_server, key, action="add", service=service.pk, link=LINK, quantity=100),
            "OrderCreated",
        )["order"]
        for _ in range(2)
    )
    statuses = check(
        get(
            panel_server, key, action="status", **{"orders[]": [str(first), str(second), "999999"]}
        ),
        "MultiStatus",
    )
    assert list(statuses) == [str(first), str(second), "999999"]
    assert statuses["999999"] == {"error": "Incorrect order ID"}
    too_many = {"orders[]": [str(pk) for pk in range(1, 102)]}
    assert not validator(f"/components/parameters/{QUERY_PARAMETERS['orders[]']}/schema").is_valid(
        too_many["orders[]"]
    )
    assert_error(
        httpx.get(panel_server.api, params={"key": key, "action": "status", **too_many}),
        "Too many IDs: maximum is 100",
    )
    cancels = check(
        get(panel_server, key, action="cancel", **{"orders[]": [str(second)]}), "CancelList"
    )
    assert cancels == [{"order": second, "cancel": 1}]
    assert_error(
        httpx.get(panel_server.api, params={"key": key, "action": "status", "orders[a]": first}),
        "Incorrect request",
    )


@e2e
def test_several_ids_in_order_conform(panel_server):
    _, key = make_account("10")
    service = make_service(refill=True)
    first, second = (
        check(
            post(panel_server, key, action="add", service=service.pk, link=LINK, quantity=100),
            "OrderCreated",
        )["order"]
        for _ in range(2)
    )
    for reply in (
        post(panel_server, key, action="status", order=f"{first},{second}"),
        post_json(panel_server, key, action="status", order=[first, second]),
        get(panel_server, key, action="status", order=f"{first},{second}"),
        get(panel_server, key, action="status", **{"order[]": [str(first), str(second)]}),
    ):
        assert list(check(reply, "MultiStatus")) == [str(first), str(second)]
    single = check(post(panel_server, key, action="status", order=first), "OrderStatus")
    assert check(post(panel_server, key, action="status", order=f"{first},"), "MultiStatus") == {
        str(first): single
    }
    apply_status(order_id=first, status=OrderStatus.COMPLETED, start_count=1, remains=0)
    refills = check(
        post(panel_server, key, action="refill", order=f"{first},{second}"), "RefillList"
    )
    assert refills[1] == {
        "order": second,
        "refill": {"error": "Refill is available for completed orders only"},
    }
    statuses = check(
        post(panel_server, key, action="refill_status", refill=f"{refills[0]['refill']},999999"),
        "RefillStatusList",
    )
    assert statuses[1] == {"refill": 999999, "status": {"error": "Refill not found"}}


@e2e
def test_unreadable_requests_answer_the_documented_error(panel_server):
    _, key = make_account()
    assert_error(post_undocumented(panel_server, key, action="nope"), "Incorrect request")
    assert_error(post_undocumented(panel_server, key), "Incorrect request")
    assert_error(httpx.put(panel_server.api, data={"key": key}), "Incorrect request")
    for body in (b"{bad", b"[1, 2]", b'{"key": {"nested": 1}}'):
        reply = httpx.post(
            panel_server.api, content=body, headers={"Content-Type": "application/json"}
        )
        assert_error(reply, "Incorrect request")


@e2e
def test_unknown_url_is_the_documented_json_404(panel_server):
    for path in ("/api/v3", "/apiv2", "/api/v2/services"):
        reply = httpx.post(panel_server.url + path, data={"action": "balance"})
        assert reply.status_code == 404
        assert reply.headers["content-type"] == "application/json; charset=utf-8"
        NOT_FOUND.validate(reply.json())
        assert reply.json() == {"error": "Incorrect request"}
    # Pages outside the API keep Django's own 404.
    assert (
        httpx.get(panel_server.url + "/no-such-page")
        .headers["content-type"]
        .startswith("text/html")
    )


@e2e
def test_served_document_over_http_is_the_shipped_file(panel_server):
    reply = httpx.get(f"{panel_server.url}/api/v2/openapi.json")
    assert reply.status_code == 200
    assert reply.content == openapi.PATH.read_bytes()
