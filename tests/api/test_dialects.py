"""Every dialect of API v2 (protocol §1) through real HTTP against `smmpanel serve`: paths,
methods, bodies, keys, and the clients of the five seed panels, each driving every action."""

import json
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.models import Product
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.models import Order, OrderStatus, Refill
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_product, make_service

# Only tests that create data need the database (and its flush after them); a request refused
# before its key is looked up needs none.
db = pytest.mark.django_db(transaction=True)

JSON = "application/json; charset=utf-8"
LINK = "https://instagram.com/natgeo"
PATHS = ["/api/v2", "/api/v2/", "/api", "/api/"]
INCORRECT_REQUEST = {"error": "Incorrect request"}
INVALID_KEY = {"error": "Invalid API key"}


def reply_of(response: httpx.Response) -> Any:
    """The JSON of an API reply: HTTP 200 and JSON, errors included."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@dataclass
class Server:
    url: str
    http: httpx.Client
    # A key nobody has: for requests refused before (or at) the key lookup.
    key: str = "0123456789abcdef0123456789abcdef"

    @property
    def api(self) -> str:
        return f"{self.url}/api/v2"

    def post(self, path: str = "/api/v2", **kwargs: Any) -> Any:
        return reply_of(self.http.post(f"{self.url}{path}", **kwargs))

    def request(self, method: str, path: str = "/api/v2", **kwargs: Any) -> Any:
        return reply_of(self.http.request(method, f"{self.url}{path}", **kwargs))


@dataclass
class Panel(Server):
    """The server and a customer with 100 in balance."""

    account: Account | None = None

    @property
    def balance(self) -> Decimal:
        assert self.account is not None
        return Account.objects.get(pk=self.account.pk).balance


@pytest.fixture
def server(panel_server, http) -> Server:
    return Server(url=panel_server.url, http=http)


@pytest.fixture
def panel(panel_server, http) -> Panel:
    account, key = make_account("100")
    return Panel(url=panel_server.url, http=http, account=account, key=key)


# --- paths and methods ----------------------------------------------------------------------
@db
@pytest.mark.parametrize("path", PATHS)
def test_every_path_answers_a_post(panel, path):
    reply = panel.post(path, data={"key": panel.key, "action": "balance"})
    assert reply == {"balance": "100.00", "currency": "USD"}


@db
@pytest.mark.parametrize("path", PATHS)
def test_every_path_answers_a_get_with_a_query_string(panel, path):
    reply = panel.request("GET", path, params={"key": panel.key, "action": "balance"})
    assert reply == {"balance": "100.00", "currency": "USD"}


@pytest.mark.parametrize("path", PATHS)
def test_every_path_answers_a_missing_key_in_json(server, path):
    assert server.post(path, data={"action": "balance"}) == INVALID_KEY
    assert server.request("GET", path) == INVALID_KEY


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_an_incorrect_request(server, method):
    reply = server.request(method, data={"key": server.key, "action": "balance"})
    assert reply == INCORRECT_REQUEST


@pytest.mark.parametrize(
    "path", ["/api/v3", "/api/v2/orders", "/api/v2//", "/apiv2", "/api/v1", "/api/v2/x.php"]
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_path_under_api_is_a_json_404(server, path, method):
    response = server.http.request(
        method, f"{server.url}{path}", data={"key": server.key, "action": "balance"}
    )
    assert response.status_code == 404
    assert response.headers["content-type"] == JSON
    assert response.json() == INCORRECT_REQUEST


# --- bodies ---------------------------------------------------------------------------------
def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """httpx arguments for a multipart/form-data body (as PHP's curl sends an array)."""
    return {"data": fields, "files": {"attachment": ("note.txt", b"ignored")}}


@db
def test_form_body(panel):
    reply = panel.post(data={"key": panel.key, "action": "balance"})
    assert reply == {"balance": "100.00", "currency": "USD"}


@db
def test_form_body_with_a_charset(panel):
    reply = panel.post(
        content=f"key={panel.key}&action=balance",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert reply == {"balance": "100.00", "currency": "USD"}


@db
def test_form_body_without_a_content_type(panel):
    request = panel.http.build_request(
        "POST", panel.api, content=f"key={panel.key}&action=balance".encode()
    )
    assert "content-type" not in request.headers
    assert reply_of(panel.http.send(request)) == {"balance": "100.00", "currency": "USD"}


@db
def test_multipart_body(panel):
    reply = panel.post(**multipart({"key": panel.key, "action": "balance"}))
    assert reply == {"balance": "100.00", "currency": "USD"}


@db
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "text/plain", None]
)
def test_json_object_body(panel, content_type):
    request = panel.http.build_request(
        "POST", panel.api, content=json.dumps({"key": panel.key, "action": "balance"})
    )
    if content_type:
        request.headers["Content-Type"] = content_type
    assert request.headers.get("Content-Type") == content_type
    assert reply_of(panel.http.send(request)) == {"balance": "100.00", "currency": "USD"}


@db
def test_json_body_with_a_byte_order_mark(panel):
    body = b"\xef\xbb\xbf" + json.dumps({"key": panel.key, "action": "balance"}).encode()
    reply = panel.post(content=body, headers={"Content-Type": "application/json"})
    assert reply == {"balance": "100.00", "currency": "USD"}


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '[{"action": "balance"}]',
        '"balance"',
        "42",
        "null",
        "true",
        '{"key": ',
        "{'action': 'balance'}",
        '{"action": "balance", "key": NaN}',
        '{"action": "balance",}',
        '{"action": {"name": "balance"}}',
        "[" * 100_000,
    ],
)
def test_json_body_that_is_not_an_object_or_not_json_is_an_incorrect_request(server, body):
    reply = server.post(content=body, headers={"Content-Type": "application/json"})
    assert reply == INCORRECT_REQUEST


@db
def test_json_body_with_a_nested_object_is_an_incorrect_request_and_changes_nothing(panel):
    service = make_service()
    body = {
        "key": panel.key,
        "action": "add",
        "service": service.pk,
        "link": {"url": LINK},
        "quantity": 100,
    }
    assert panel.post(json=body) == INCORRECT_REQUEST
    assert not Order.objects.exists()


def test_body_that_is_not_utf8_is_an_incorrect_request(server):
    request = server.http.build_request("POST", server.api, content=b"key=\xff\xfe&action=balance")
    assert reply_of(server.http.send(request)) == INCORRECT_REQUEST


@db
@pytest.mark.parametrize(
    "send",
    [
        pytest.param(lambda key: {"json": {"key": key, "action": "balance"}}, id="json"),
        pytest.param(lambda key: {"data": {"key": key, "action": "balance"}}, id="form"),
        pytest.param(lambda key: multipart({"key": key, "action": "balance"}), id="multipart"),
    ],
)
def test_query_parameters_are_merged_under_the_body(panel, send):
    # The body's key and action win over the query string's.
    url = f"{panel.api}?key=wrong&action=services&extra=1"
    assert reply_of(panel.http.post(url, **send(panel.key))) == {
        "balance": "100.00",
        "currency": "USD",
    }


@db
@pytest.mark.parametrize("body", ["json", "form", "multipart", "empty"])
def test_query_parameters_complete_the_body(panel, body):
    """The key in the URL, the action in the body (or nothing in the body)."""
    url = f"{panel.api}?key={panel.key}"
    fields = {"action": "balance"}
    if body == "json":
        response = panel.http.post(url, json=fields)
    elif body == "form":
        response = panel.http.post(url, data=fields)
    elif body == "multipart":
        response = panel.http.post(url, **multipart(fields))
    else:
        response = panel.http.post(f"{url}&action=balance")
    assert reply_of(response) == {"balance": "100.00", "currency": "USD"}


@db
def test_a_get_ignores_a_body(panel):
    request = panel.http.build_request(
        "GET",
        f"{panel.api}?key={panel.key}&action=balance",
        content="action=services",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert reply_of(panel.http.send(request)) == {"balance": "100.00", "currency": "USD"}


# --- values ---------------------------------------------------------------------------------
@db
@pytest.mark.parametrize(
    "values",
    [
        pytest.param(lambda pk: {"service": pk, "quantity": 100}, id="numbers"),
        pytest.param(lambda pk: {"service": str(pk), "quantity": "100"}, id="strings"),
        pytest.param(lambda pk: {"service": float(pk), "quantity": 100.0}, id="float-numbers"),
        pytest.param(lambda pk: {"service": f" {pk}.0 ", "quantity": "100.0"}, id="float-strings"),
        pytest.param(lambda pk: {"service": pk, "quantity": " 100 "}, id="padded"),
        pytest.param(
            lambda pk: {"service": pk, "quantity": 100, "runs": False, "interval": False},
            id="false-is-absent",
        ),
        pytest.param(
            lambda pk: {"service": pk, "quantity": 100, "runs": None, "interval": None},
            id="null-is-absent",
        ),
    ],
)
def test_json_values_as_numbers_strings_and_booleans(panel, values):
    service = make_service()
    body = {"key": panel.key, "action": "add", "link": LINK, **values(service.pk)}
    reply = panel.post(json=body)
    order = Order.objects.get()
    assert reply == {"order": order.pk}
    assert (order.service_id, order.quantity, order.runs) == (service.pk, 100, None)
    assert order.charge == Decimal("0.09")


@db
def test_json_true_is_one(panel):
    service = make_service(min_quantity=1, dripfeed=True)
    body = {
        "key": panel.key,
        "action": "add",
        "service": service.pk,
        "link": LINK,
        "quantity": True,
        "runs": 2,
        "interval": 5,
    }
    order_id = panel.post(json=body)["order"]
    assert Order.objects.values_list("quantity", "runs").get(pk=order_id) == (1, 2)


@db
@pytest.mark.parametrize(
    ("quantity", "error"),
    [
        ("1e3", "Incorrect quantity: a whole number is required"),
        ("1E3", "Incorrect quantity: a whole number is required"),
        ("100.5", "Incorrect quantity: a whole number is required"),
        ("-100", "Quantity less than minimal 50"),
        ("0", "Quantity less than minimal 50"),
        ("-0.0", "Quantity less than minimal 50"),
        ("9" * 40, "Quantity more than maximal 10000"),
        ("false", "Quantity less than minimal 50"),
    ],
)
def test_json_numbers_that_are_no_quantity_are_refused(panel, quantity, error):
    service = make_service()
    body = f'{{"key": "{panel.key}", "action": "add", "service": {service.pk}, "link": "{LINK}", '
    body += f'"quantity": {quantity}}}'
    assert json.loads(body)["quantity"] is not None
    reply = panel.post(content=body, headers={"Content-Type": "application/json"})
    assert reply == {"error": error}
    assert not Order.objects.exists()
    assert panel.balance == Decimal("100")


@db
def test_json_zero_runs_written_as_a_float_is_no_dripfeed(panel):
    service = make_service()
    body = (
        f'{{"key": "{panel.key}", "action": "add", "service": {service.pk}, "link": "{LINK}", '
        '"quantity": 100, "runs": 0.0, "interval": 0.0}'
    )
    reply = panel.post(content=body, headers={"Content-Type": "application/json"})
    assert reply == {"order": Order.objects.get().pk}


@db
def test_json_arrays_of_ids(panel):
    service = make_service()
    add = {"key": panel.key, "action": "add", "service": service.pk, "link": LINK, "quantity": 100}
    first, second = (panel.post(json=add)["order"] for _ in range(2))
    reply = panel.post(json={"key": panel.key, "action": "status", "orders": [first, second]})
    assert list(reply) == [str(first), str(second)]
    cancel = panel.post(json={"key": panel.key, "action": "cancel", "orders": [second, "x"]})
    assert cancel == [
        {"order": second, "cancel": {"error": "Cancel is not available for this service"}},
        {"order": "x", "cancel": {"error": "Incorrect order ID"}},
    ]


@db
def test_surrounding_whitespace_is_ignored(panel):
    reply = panel.post(data={"key": f"  {panel.key}\n", "action": " balance\t"})
    assert reply == {"balance": "100.00", "currency": "USD"}


@db
def test_action_names_ignore_case(panel):
    assert panel.post(data={"key": panel.key, "action": "BALANCE"})["currency"] == "USD"


# --- keys -----------------------------------------------------------------------------------
@db
@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_key_as_a_bearer_header(panel, scheme):
    reply = panel.post(
        "/api", data={"action": "balance"}, headers={"Authorization": f"{scheme} {panel.key}"}
    )
    assert reply == {"balance": "100.00", "currency": "USD"}


@db
def test_an_empty_key_parameter_falls_back_to_the_bearer_header(panel):
    reply = panel.post(
        json={"key": "", "action": "balance"}, headers={"Authorization": f"Bearer {panel.key}"}
    )
    assert reply == {"balance": "100.00", "currency": "USD"}


@db
def test_a_key_parameter_is_not_disturbed_by_another_authorization(panel):
    reply = panel.post(
        data={"key": panel.key, "action": "balance"},
        headers={"Authorization": "Basic dXNlcjpwYXNz"},
    )
    assert reply == {"balance": "100.00", "currency": "USD"}


@pytest.mark.parametrize(
    ("fields", "headers"),
    [
        pytest.param({"action": "balance"}, {}, id="missing"),
        pytest.param({"action": "balance", "key": ""}, {}, id="empty"),
        pytest.param({"action": "balance", "key": "   "}, {}, id="blank"),
        pytest.param({"action": "balance", "key": "0" * 32}, {}, id="wrong"),
        pytest.param({"action": "balance", "key": "k" * 5000}, {}, id="long"),
        pytest.param({"action": "balance"}, {"Authorization": "Bearer"}, id="empty-bearer"),
        pytest.param({"action": "balance"}, {"Authorization": "Bearer nope"}, id="wrong-bearer"),
        pytest.param({"action": "balance"}, {"Authorization": "Basic eDp5"}, id="basic"),
        pytest.param({"action": "nonsense"}, {}, id="unknown-action-no-key"),
    ],
)
def test_a_missing_or_wrong_key_is_invalid(server, fields, headers):
    assert server.post(data=fields, headers=headers) == INVALID_KEY
    assert server.post(json=fields, headers=headers) == INVALID_KEY


@db
def test_a_suspended_account_is_refused(panel):
    Account.objects.filter(pk=panel.account.pk).update(status=Account.Status.SUSPENDED)
    assert panel.post(data={"key": panel.key, "action": "balance"}) == {
        "error": "Your account is suspended"
    }


# --- actions --------------------------------------------------------------------------------
@db
@pytest.mark.parametrize("action", ["", "  ", "nonsense", "balance2", "add_order", "services;"])
def test_an_unknown_action_is_an_incorrect_request(panel, action):
    assert panel.post(data={"key": panel.key, "action": action}) == INCORRECT_REQUEST
    assert panel.post(json={"key": panel.key, "action": action}) == INCORRECT_REQUEST


@db
def test_a_missing_action_is_an_incorrect_request(panel):
    assert panel.post(data={"key": panel.key}) == INCORRECT_REQUEST
    assert panel.request("GET", params={"key": panel.key}) == INCORRECT_REQUEST


# --- limits ---------------------------------------------------------------------------------
@db
def test_a_parameter_longer_than_any_value_is_an_incorrect_request(panel):
    service = make_service()
    fields = {
        "key": panel.key,
        "action": "add",
        "service": str(service.pk),
        "link": LINK,
        "quantity": "100",
        "note": "x" * 200_001,
    }
    assert panel.post(data=fields) == INCORRECT_REQUEST
    assert not Order.objects.exists()


@pytest.mark.parametrize("kind", ["form", "json", "multipart"])
def test_a_body_too_large_is_an_incorrect_request(server, kind):
    fields = {"key": server.key, "action": "balance", "padding": "x" * 3_000_000}
    if kind == "form":
        response = server.http.post(server.api, data=fields)
    elif kind == "json":
        response = server.http.post(server.api, json=fields)
    else:
        response = server.http.post(server.api, **multipart(fields))
    assert reply_of(response) == INCORRECT_REQUEST


def test_a_body_too_large_is_read_before_the_reply_and_the_connection_serves_on(server):
    """The refusal waits for the whole body: a client still sending when the server answered and
    closed would meet a reset and could lose the reply (and a keep-alive connection)."""
    host, port = server.url.removeprefix("http://").split(":")
    body = b"action=balance&padding=" + b"x" * 3_000_000
    head = (
        f"POST /api/v2 HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head.encode())
        # Slowly enough that the server could answer long before the body has all come.
        for start in range(0, len(body), 300_000):
            connection.sendall(body[start : start + 300_000])
            time.sleep(0.02)
        connection.sendall(f"GET /api/v2?action=balance HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        replies = b""
        while replies.count(b"HTTP/1.1 ") < 2 or not replies.endswith(b"}"):
            received = connection.recv(65536)
            assert received, replies
            replies += received
    bodies = [part.rpartition(b"\r\n\r\n")[2] for part in replies.split(b"HTTP/1.1 ")[1:]]
    assert [json.loads(part) for part in bodies] == [INCORRECT_REQUEST, INVALID_KEY]


def test_too_many_form_fields_is_an_incorrect_request(server):
    fields = {"key": server.key, "action": "balance"} | {f"f{n}": "1" for n in range(1500)}
    assert server.post(data=fields) == INCORRECT_REQUEST


def test_too_many_query_parameters_is_an_incorrect_request(server):
    params = {"key": server.key, "action": "balance"} | {f"f{n}": "1" for n in range(1500)}
    assert server.request("GET", params=params) == INCORRECT_REQUEST


def test_a_multipart_body_without_boundary_is_an_incorrect_request(server):
    reply = server.post(
        content=f"key={server.key}&action=balance",
        headers={"Content-Type": "multipart/form-data"},
    )
    assert reply == INCORRECT_REQUEST


# --- non-ASCII ------------------------------------------------------------------------------
COMMENTS = "Отлично! 👍\r\n很好 — ça va\n\nمرحبا"
STORED = "Отлично! 👍\n很好 — ça va\nمرحبا"


@db
@pytest.mark.parametrize("kind", ["form", "multipart", "json", "json-ascii", "query"])
def test_comments_keep_non_ascii_exactly_in_every_body(panel, kind):
    service = make_service(type=OrderType.CUSTOM_COMMENTS, rate=Decimal("8"), min_quantity=1)
    fields = {
        "key": panel.key,
        "action": "add",
        "service": str(service.pk),
        "link": LINK,
        "comments": COMMENTS,
    }
    if kind == "form":
        response = panel.http.post(panel.api, data=fields)
    elif kind == "multipart":
        response = panel.http.post(panel.api, **multipart(fields))
    elif kind == "json":
        body = json.dumps(fields, ensure_ascii=False).encode()
        response = panel.http.post(
            panel.api, content=body, headers={"Content-Type": "application/json"}
        )
    elif kind == "json-ascii":
        response = panel.http.post(panel.api, json=fields)
    else:
        response = panel.http.get(panel.api, params=fields)
    order = Order.objects.get(pk=reply_of(response)["order"])
    assert order.details == {"comments": STORED}
    assert (order.quantity, order.charge) == (3, Decimal("0.024"))


# --- the five seed panels' clients ----------------------------------------------------------
@dataclass(frozen=True)
class Client:
    """How the clients of one seed panel talk (protocol §4)."""

    path: str
    body: str  # "form", "json", "multipart" or "query"
    bearer: bool = False
    numbers: bool = False  # JSON numbers for ids and quantities instead of strings
    content_type: str | None = None

    def call(self, panel: Panel, action: str, **params: object) -> Any:
        fields: dict[str, str | int] = {"action": action}
        for name, value in params.items():
            fields[name] = value if self.numbers and isinstance(value, int) else str(value)
        headers = {}
        if self.bearer:
            headers["Authorization"] = f"Bearer {panel.key}"
        else:
            fields["key"] = panel.key
        url = f"{panel.url}{self.path}"
        if self.body == "json":
            response = panel.http.post(url, json=fields, headers=headers)
        elif self.body == "multipart":
            response = panel.http.post(url, headers=headers, **multipart(fields))
        elif self.body == "query":
            response = panel.http.get(url, params=fields, headers=headers)
        elif self.content_type:
            headers["Content-Type"] = self.content_type
            content = str(httpx.QueryParams(fields))
            response = panel.http.post(url, content=content, headers=headers)
        else:
            response = panel.http.post(url, data=fields, headers=headers)
        return reply_of(response)


CLIENTS = {
    "000-vtechsmm": Client("/api", "form", bearer=True),
    "001-smm.plus": Client("/api/v2", "form"),
    "002-pusatpanelsmm": Client("/api/", "form"),
    "003-smmvna": Client(
        "/api/v2", "form", content_type="application/x-www-form-urlencoded; charset=UTF-8"
    ),
    "004-baostar": Client("/api/v2", "json", numbers=True),
    "004-baostar-strings": Client("/api/v2/", "json"),
    "php-curl-array": Client("/api/v2", "multipart"),
    "get": Client("/api/v2", "query"),
    "000-bearer-json": Client("/api", "json", bearer=True),
}


@pytest.fixture(params=list(CLIENTS))
def client(request) -> Client:
    return CLIENTS[request.param]


@db
def test_seed_client_orders_and_follows_its_orders(panel, client):
    service = make_service(
        name="Followers",
        category="First Category",
        rate=Decimal("0.27819"),
        refill=True,
        cancel=True,
        dripfeed=True,
    )

    services = client.call(panel, "services")
    assert [(item["service"], item["rate"]) for item in services] == [(service.pk, "0.27819")]

    first = client.call(panel, "add", service=service.pk, link=LINK, quantity=1000)
    assert list(first) == ["order"] and isinstance(first["order"], int)
    first_id = first["order"]
    second_id = client.call(
        panel, "add", service=service.pk, link=LINK, quantity=100, runs=2, interval=5
    )["order"]
    assert panel.balance == Decimal("100") - Decimal("0.27819") - Decimal("0.05564")
    assert client.call(panel, "balance") == {"balance": "99.66617", "currency": "USD"}

    assert client.call(panel, "status", order=first_id) == {
        "charge": "0.27819",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "USD",
    }
    statuses = client.call(panel, "status", orders=f"{first_id},{second_id},404404404")
    assert list(statuses) == [str(first_id), str(second_id), "404404404"]
    assert statuses[str(second_id)]["runs"] == "2"
    assert statuses["404404404"] == {"error": "Incorrect order ID"}

    apply_status(order_id=first_id, status=OrderStatus.COMPLETED, start_count=3572, remains=0)
    refill = client.call(panel, "refill", order=first_id)
    refill_id = Refill.objects.get().pk
    assert refill == {"refill": str(refill_id)}
    assert client.call(panel, "refill", orders=f"{first_id},{second_id}") == [
        {"order": first_id, "refill": {"error": "A refill of this order is already in progress"}},
        {
            "order": second_id,
            "refill": {"error": "Refill is available for completed orders only"},
        },
    ]
    assert client.call(panel, "refill_status", refill=refill_id) == {"status": "Pending"}
    assert client.call(panel, "refill_status", refills=f"{refill_id},1234567") == [
        {"refill": refill_id, "status": "Pending"},
        {"refill": 1234567, "status": {"error": "Refill not found"}},
    ]

    assert client.call(panel, "cancel", orders=f"{second_id},{first_id}") == [
        {"order": second_id, "cancel": 1},
        {"order": first_id, "cancel": {"error": "The order is already finished"}},
    ]
    apply_status(order_id=second_id, status=OrderStatus.CANCELED)
    assert client.call(panel, "status", order=second_id)["status"] == "Canceled"
    assert client.call(panel, "balance") == {"balance": "99.72181", "currency": "USD"}


@db
def test_seed_client_buys_digital_products(panel, client):
    product = make_product(stock=3, require="Input your account")
    manual = make_product(type=Product.Type.SERVICE, rate=Decimal("0.5"), max_quantity=2)

    products = client.call(panel, "products")
    assert [(item["product"], item.get("inventory")) for item in products] == [
        (product.pk, 3),
        (manual.pk, None),
    ]

    reply = client.call(
        panel, "add_product_order", product=product.pk, quantity=2, require="me@mail.test"
    )
    assert list(reply) == ["order"] and isinstance(reply["order"], int)
    order_id = reply["order"]
    manual_id = client.call(panel, "add_product_order", product=manual.pk, quantity=1)["order"]
    assert panel.balance == Decimal("94.5")

    items = [f"item-{product.pk}-0", f"item-{product.pk}-1"]
    assert client.call(panel, "product_order_status", order=order_id) == {
        "charge": 5,
        "status": "Completed",
        "result": "\n".join(items),
    }
    assert client.call(panel, "product_order_status", orders=f"{order_id},{manual_id},x") == {
        str(order_id): {"charge": 5, "status": "Completed", "result": "\n".join(items)},
        str(manual_id): {"charge": 0.5, "status": "Pending"},
        "x": {"error": "Incorrect order ID"},
    }
    assert client.call(panel, "result_product", order=order_id) == {"result": items}


@db
def test_seed_client_errors_are_json_with_http_200(panel, client):
    service = make_service()
    assert client.call(panel, "add", service=service.pk, link="not a link", quantity=100) == {
        "error": "Incorrect link"
    }
    assert client.call(panel, "add", service=service.pk, link=LINK, quantity=1) == {
        "error": "Quantity less than minimal 50"
    }
    assert client.call(panel, "status", order=404404404) == {"error": "Incorrect order ID"}
    assert client.call(panel, "nonsense") == INCORRECT_REQUEST
    assert not LedgerEntry.objects.exclude(kind="deposit").exists()


@pytest.mark.parametrize("field", ["comments", "link", "username", "action"])
def test_a_nul_character_in_any_parameter_is_an_incorrect_request(server, field):
    data = {"key": server.key, "action": "add", "service": "1", "link": LINK, field: "a\x00b"}
    assert server.post(data=data) == INCORRECT_REQUEST
