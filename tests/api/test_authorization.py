"""Authorization over real HTTP, as a table: one customer's key can never see, refill, cancel or
read the results of another customer's orders, refills or product orders, in either the single or
the list form of each action; a suspended account is refused by every action. Each refusal
changes nothing."""

from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest

from smmpanel.accounts.actions import reactivate_account, suspend_account
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.api.actions import ACTIONS
from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Product
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, ProductOrder, Refill
from smmpanel.orders.placement import place_order
from smmpanel.orders.product_orders import apply_product_status, place_product_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_product, make_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e]

INCORRECT_ORDER = {"error": "Incorrect order ID"}
SUSPENDED = {"error": "Your account is suspended"}


@dataclass
class Alice:
    """The other customer and everything she owns."""

    completed: Order
    running: Order
    refill_id: int
    product_order: ProductOrder
    service_product_order: ProductOrder


@pytest.fixture
def alice() -> Alice:
    account, _ = make_account("100")
    service = make_service(refill=True, cancel=True, rate=Decimal("1"))
    params = {"link": "https://instagram.com/p/alice", "quantity": "100"}
    completed = place_order(account=account, service=service, params=params)
    apply_status(order_id=completed.pk, status=OrderStatus.COMPLETED, remains=0)
    completed.refresh_from_db()
    running = place_order(account=account, service=service, params=params)
    refill = request_refill(account=account, order=completed)
    product_order = place_product_order(
        account=account, product=make_product(stock=2), quantity="1"
    )
    by_hand = make_product(type=Product.Type.SERVICE)
    service_product_order = place_product_order(account=account, product=by_hand, quantity="1")
    apply_product_status(
        product_order_id=service_product_order.pk, status="Completed", result="secret-code"
    )
    return Alice(completed, running, refill.pk, product_order, service_product_order)


def _state() -> tuple:
    return (
        Order.objects.count(),
        Refill.objects.count(),
        CancelRequest.objects.count(),
        LedgerEntry.objects.count(),
        ProductOrder.objects.count(),
        tuple(Order.objects.order_by("pk").values_list("status", flat=True)),
        tuple(Account.objects.order_by("pk").values_list("balance", flat=True)),
    )


# (action, params, the reply to a stranger) for each way of naming Alice's things.
def _table(alice: Alice) -> list[tuple[str, dict, object]]:
    order, running = alice.completed.pk, alice.running.pk
    product, by_hand = alice.product_order.pk, alice.service_product_order.pk
    return [
        ("status", {"order": order}, INCORRECT_ORDER),
        (
            "status",
            {"orders": f"{order},{running}"},
            {str(order): INCORRECT_ORDER, str(running): INCORRECT_ORDER},
        ),
        ("refill", {"order": order}, INCORRECT_ORDER),
        ("refill", {"orders": str(order)}, [{"order": order, "refill": INCORRECT_ORDER}]),
        ("refill_status", {"refill": alice.refill_id}, {"error": "Refill not found"}),
        (
            "refill_status",
            {"refills": str(alice.refill_id)},
            [{"refill": alice.refill_id, "status": {"error": "Refill not found"}}],
        ),
        ("cancel", {"order": running}, [{"order": running, "cancel": INCORRECT_ORDER}]),
        (
            "cancel",
            {"orders": f"{running},{order}"},
            [
                {"order": running, "cancel": INCORRECT_ORDER},
                {"order": order, "cancel": INCORRECT_ORDER},
            ],
        ),
        ("product_order_status", {"order": product}, INCORRECT_ORDER),
        (
            "product_order_status",
            {"orders": f"{product},{by_hand}"},
            {str(product): INCORRECT_ORDER, str(by_hand): INCORRECT_ORDER},
        ),
        ("result_product", {"order": product}, INCORRECT_ORDER),
        ("result_product", {"order": by_hand}, INCORRECT_ORDER),
    ]


def test_every_action_on_another_customers_ids_is_refused_and_changes_nothing(panel_server, alice):
    _, bob_key = make_account("100")
    table = _table(alice)
    assert {action for action, _, _ in table} == {
        "status",
        "refill",
        "refill_status",
        "cancel",
        "product_order_status",
        "result_product",
    }
    for action, params, expected in table:
        before = _state()
        for reply in _three_dialects(panel_server.api, bob_key, action, params):
            assert reply.status_code == 200
            assert reply.json() == expected, (action, params)
        assert _state() == before, (action, params)
    # The owner sees them all (the table's ids are real).
    alice_key = _key_of(alice.completed.account)
    assert httpx.post(
        panel_server.api,
        data={
            "key": alice_key,
            "action": "result_product",
            "order": alice.service_product_order.pk,
        },
    ).json() == {"result": ["secret-code"]}


def _three_dialects(url: str, key: str, action: str, params: dict) -> list[httpx.Response]:
    """The same request as a form POST, a GET and a JSON POST with a Bearer key."""
    return [
        httpx.post(url, data={"key": key, "action": action, **params}),
        httpx.get(url, params={"key": key, "action": action, **params}),
        httpx.post(
            url, json={"action": action, **params}, headers={"Authorization": f"Bearer {key}"}
        ),
    ]


def _key_of(account: Account) -> str:
    from smmpanel.accounts.keys import issue_api_key

    return issue_api_key(account=account)


def test_another_customers_idempotency_key_is_not_shared(panel_server):
    service = make_service()
    _, alice_key = make_account("10")
    _, bob_key = make_account("10")
    params = {"action": "add", "service": service.pk, "link": "https://x.com/a", "quantity": 100}
    headers = {"Idempotency-Key": "shared-key"}
    alices = httpx.post(panel_server.api, data={"key": alice_key, **params}, headers=headers)
    bobs = httpx.post(panel_server.api, data={"key": bob_key, **params}, headers=headers)
    assert alices.json()["order"] != bobs.json()["order"]
    assert Order.objects.get(pk=bobs.json()["order"]).account.user.username != (
        Order.objects.get(pk=alices.json()["order"]).account.user.username
    )


MINIMAL = {
    "services": {},
    "add": {"service": 1, "link": "https://x.com/a", "quantity": 100},
    "status": {"order": 1},
    "refill": {"order": 1},
    "refill_status": {"refill": 1},
    "cancel": {"orders": "1"},
    "balance": {},
    "products": {},
    "add_product_order": {"product": 1, "quantity": 1},
    "product_order_status": {"order": 1},
    "result_product": {"order": 1},
}


def test_a_suspended_account_is_refused_by_every_action_even_on_its_own_orders(panel_server, alice):
    account = alice.completed.account
    key = _key_of(account)
    own = {
        "status": {"order": alice.completed.pk},
        "refill": {"order": alice.completed.pk},
        "refill_status": {"refill": alice.refill_id},
        "cancel": {"orders": str(alice.running.pk)},
        "product_order_status": {"order": alice.product_order.pk},
        "result_product": {"order": alice.product_order.pk},
        "add": {"service": alice.completed.service_id, "link": "https://x.com/b", "quantity": 100},
    }
    assert set(MINIMAL) == set(ACTIONS)
    suspend_account(account_id=account.pk, acting_user=Actor.system())
    for action, params in MINIMAL.items():
        before = _state()
        for body in (params, own.get(action, params)):
            reply = httpx.post(panel_server.api, data={"key": key, "action": action, **body})
            assert reply.status_code == 200
            assert reply.json() == SUSPENDED, action
            by_bearer = httpx.get(
                panel_server.api,
                params={"action": action, **body},
                headers={"Authorization": f"Bearer {key}"},
            )
            assert by_bearer.json() == SUSPENDED, action
        assert _state() == before, action
    # Reinstated, the same key works again.
    reactivate_account(account_id=account.pk, acting_user=Actor.system())
    assert "balance" in httpx.post(panel_server.api, data={"key": key, "action": "balance"}).json()
