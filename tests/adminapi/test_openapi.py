"""The Admin API's OpenAPI description: a valid document, true to the endpoint's actions and
errors, and enough on its own for a bot to pull, progress and complete manual orders."""

import json
import re
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from smmpanel.adminapi import openapi
from smmpanel.adminapi.actions import ACTIONS
from smmpanel.adminapi.wordings import WORDINGS
from smmpanel.orders.models import Order, OrderStatus
from tests.adminapi.conftest import entries_by, place_manual_orders

DOCUMENT = json.loads(openapi.PATH.read_text(encoding="utf-8"))


def test_the_document_is_valid_openapi_3():
    validate(DOCUMENT)


def test_every_action_is_documented_and_every_documented_action_exists():
    mapping = DOCUMENT["components"]["schemas"]["AdminRequest"]["discriminator"]["mapping"]
    assert {name.lower() for name in mapping} == set(ACTIONS)
    query_actions = DOCUMENT["components"]["parameters"]["action"]["schema"]["enum"]
    assert set(query_actions) == set(mapping)


def test_every_error_wording_is_documented():
    documented = DOCUMENT["components"]["schemas"]["Error"]["description"]
    for text in WORDINGS.values():
        # Up to its first blank or colon: "Missing parameter: NAME" documents "…: reason".
        assert re.split(r"\{|: ", text)[0] in documented, text


# --- a bot that knows nothing but the document ----------------------------------------------
class Bot:
    """Reads the served description: the endpoint's path, each action's request schema (by the
    request body's discriminator), the key's header (a security scheme); validates what it sends
    and what it gets against the document, and sends nothing the document does not name."""

    def __init__(self, base_url: str, key: str, http: httpx.Client):
        self.http = http
        self.key = key
        self.document = http.get(f"{base_url}/adminapi/v2/openapi.json").json()
        validate(self.document)
        (self.path,) = [p for p, item in self.document["paths"].items() if "post" in item]
        self.url = base_url.rstrip("/") + self.path
        post = self.document["paths"][self.path]["post"]
        body = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        self.requests = self._at(body)["discriminator"]["mapping"]
        (self.header,) = [
            scheme["name"]
            for scheme in self.document["components"]["securitySchemes"].values()
            if scheme["type"] == "apiKey" and scheme["in"] == "header"
        ]
        self.registry = Registry().with_resource(
            "urn:bot", Resource.from_contents(self.document, default_specification=DRAFT4)
        )

    def _at(self, ref: str) -> Any:
        node = self.document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        return node

    def _validator(self, ref: str) -> OAS30Validator:
        return OAS30Validator({"$ref": f"urn:bot{ref}"}, registry=self.registry)

    def call(self, action: str, **params: Any) -> Any:
        schema_ref = self.requests[action]
        allowed = set(self._at(schema_ref)["properties"])
        assert set(params) <= allowed, f"{action}: {set(params) - allowed} not documented"
        body = {"action": action, **params}
        self._validator(schema_ref).validate(body)
        response = self.http.post(self.url, json=body, headers={self.header: self.key})
        assert response.status_code == 200
        reply = response.json()
        self._validator("#/components/schemas/Reply").validate(reply)
        assert "error" not in reply, reply
        return reply


@pytest.mark.e2e
def test_a_bot_written_against_the_description_pulls_progresses_and_completes_orders(
    adminapi, support
):
    orders = place_manual_orders(5)
    bot = Bot(adminapi.url, support.key, adminapi.http)
    done = []
    while pulled := bot.call("getOrders", limit=2)["orders"]:
        for order in pulled:
            bot.call("setOrder", order=order["id"], status="In progress", start_count=10)
            reply = bot.call("setOrder", order=order["id"], status="Completed")
            assert reply == {"order": order["id"], "status": "Completed"}
            done.append(order["id"])
    assert done == [order.pk for order in orders]
    assert set(Order.objects.values_list("status", "start_count", "remains")) == {
        (OrderStatus.COMPLETED, 10, 0)
    }
    # Each order claimed, then given its start count, then completed, as the bot's staff user.
    assert [action for action, _ in entries_by(support.username)] == [
        "order.claim",
        "order.claim",
        "order.set_status",
        "order.set_status",
        "order.set_status",
        "order.set_status",
        "order.claim",
        "order.claim",
        "order.set_status",
        "order.set_status",
        "order.set_status",
        "order.set_status",
        "order.claim",
        "order.set_status",
        "order.set_status",
    ]
