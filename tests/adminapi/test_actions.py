"""Every Admin API action over real HTTP against `smmpanel serve`: what it changes, the audit
entry under the key's staff user, the role it needs, and bad inputs refused with nothing changed."""

from decimal import Decimal

import pytest

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.order_types import OrderType
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, Refill
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.adminapi.conftest import entries_by, place_manual_orders
from tests.factories import make_account, make_service


def _state() -> tuple:
    """What an action could change: orders, refills, cancels, balances, ledger, audit log."""
    return (
        list(Order.objects.order_by("pk").values_list("pk", "status", "start_count", "remains")),
        list(Refill.objects.order_by("pk").values_list("pk", "status")),
        list(CancelRequest.objects.order_by("pk").values_list("pk", "status")),
        list(Account.objects.order_by("pk").values_list("pk", "balance")),
        LedgerEntry.objects.count(),
        AuditEntry.objects.count(),
    )


def test_get_orders_hands_out_the_orders_with_their_type_fields(adminapi, support):
    service = make_service(type=OrderType.CUSTOM_COMMENTS, rate=Decimal("1.00"), min_quantity=1)
    account, _ = make_account("10", username="carol")
    order = place_order(
        account=account,
        params={"service": str(service.pk), "link": "https://x.com/p/1", "comments": "Nice\nWow"},
    )
    reply = adminapi.post(support.key, "getOrders", service=service.pk)
    assert reply == {
        "orders": [
            {
                "id": order.pk,
                "service": service.pk,
                "link": "https://x.com/p/1",
                "quantity": 2,
                "charge": "0.002",
                "user": "carol",
                "status": "In progress",
                "created": order.created_at.isoformat(),
                "comments": "Nice\nWow",
            }
        ]
    }
    assert entries_by("helper") == [("order.claim", str(order.pk))]
    assert adminapi.post(support.key, "getOrders") == {"orders": []}


def test_set_order_completes_and_partial_refunds_once(adminapi, support):
    first, second = place_manual_orders(2)
    done = adminapi.post(support.key, "setOrder", order=first.pk, status="Completed", start_count=7)
    assert done == {"order": first.pk, "status": "Completed"}
    partial = {"order": second.pk, "status": "Partial", "remains": 40}
    assert adminapi.post(support.key, "setOrder", **partial) == {
        "order": second.pk,
        "status": "Partial",
    }
    assert adminapi.post(support.key, "setOrder", **partial)["status"] == "Partial"
    refunds = LedgerEntry.objects.filter(order_id=second.pk, kind=LedgerEntry.Kind.REFUND)
    assert [entry.amount for entry in refunds] == [second.charge * 40 / 100]
    first.refresh_from_db()
    assert (first.status, first.start_count, first.remains) == ("Completed", 7, 0)
    assert entries_by("helper") == [
        ("order.set_status", str(first.pk)),
        ("order.set_status", str(second.pk)),
    ]
    assert audit() == []


def test_set_order_canceled_refunds_all(adminapi, support):
    (order,) = place_manual_orders(1)
    reply = adminapi.post(support.key, "setOrder", order=order.pk, status="canceled")
    assert reply == {"order": order.pk, "status": "Canceled"}
    assert LedgerEntry.objects.get(order_id=order.pk, kind=LedgerEntry.Kind.REFUND).amount == (
        order.charge
    )
    assert entries_by("helper") == [("order.cancel", str(order.pk))]


def test_refills_are_listed_and_decided(adminapi, support):
    (order,) = place_manual_orders(1, refill=True, refill_days=30)
    order = apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    refill = request_refill(account=order.account, order=order)
    listed = adminapi.post(support.key, "getRefills")["refills"]
    assert [(item["id"], item["status"], item["order"]["id"]) for item in listed] == [
        (refill.pk, "Pending", order.pk)
    ]
    reply = adminapi.post(support.key, "setRefill", refill=refill.pk, status="Completed")
    assert reply == {"refill": refill.pk, "status": "Completed"}
    assert adminapi.post(support.key, "getRefills") == {"refills": []}
    assert entries_by("helper") == [("refill.status", str(refill.pk))]


def test_cancels_are_listed_accepted_and_rejected(adminapi, support):
    first, second = place_manual_orders(2, cancel=True)
    accepted = request_cancel(account=first.account, order=first)
    rejected = request_cancel(account=second.account, order=second)
    listed = adminapi.post(support.key, "getCancels")["cancels"]
    assert [item["id"] for item in listed] == [accepted.pk, rejected.pk]
    assert listed[0]["order"]["id"] == first.pk
    assert adminapi.post(support.key, "setCancel", cancel=accepted.pk, status="Accepted") == {
        "cancel": accepted.pk,
        "status": "Accepted",
    }
    assert adminapi.post(support.key, "setCancel", cancel=rejected.pk, status="Rejected") == {
        "cancel": rejected.pk,
        "status": "Rejected",
    }
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("Canceled", "Pending")
    assert entries_by("helper") == [
        ("cancel.accept", str(accepted.pk)),
        ("cancel.reject", str(rejected.pk)),
    ]


def test_get_user_by_name_or_id(adminapi, support):
    account, _ = make_account("12.5", username="dave")
    by_name = adminapi.post(support.key, "getUser", user="dave")
    assert by_name["id"] == account.pk and by_name["balance"] == "12.50"
    assert (by_name["username"], by_name["status"], by_name["currency"]) == (
        "dave",
        "active",
        "USD",
    )
    assert adminapi.post(support.key, "getUser", user=str(account.pk)) == by_name


def test_add_balance_writes_a_ledger_entry_recorded_as_the_admin(adminapi, admin):
    account, _ = make_account("5", username="erin")
    reply = adminapi.post(admin.key, "addBalance", user="erin", amount="2.5", reason="Transfer 7")
    assert (reply["amount"], reply["balance"]) == ("2.50", "7.50")
    taken = adminapi.post(admin.key, "addBalance", user="erin", amount="-1", reason="Fee")
    assert taken["balance"] == "6.50"
    entries = LedgerEntry.objects.filter(account=account, kind=LedgerEntry.Kind.ADJUSTMENT)
    assert list(entries.order_by("pk").values_list("amount", "reason")) == [
        (Decimal("2.5"), "Transfer 7"),
        (Decimal("-1"), "Fee"),
    ]
    assert entries_by("boss") == [
        ("account.adjust", str(account.pk)),
        ("account.adjust", str(account.pk)),
    ]
    assert audit() == []


def test_support_is_refused_on_balances_and_nothing_changes(adminapi, support):
    make_account("5", username="frank")
    before = _state()
    refused = adminapi.post(
        support.key, "addBalance", user="frank", amount="100", reason="Free money"
    )
    assert refused == {"error": "Your role may not do this"}
    assert _state() == before


@pytest.mark.parametrize(
    ("action", "params", "error"),
    [
        ("setOrder", {"status": "Completed"}, "Missing parameter: order"),
        ("setOrder", {"order": "abc", "status": "Completed"}, "Incorrect order"),
        ("setOrder", {"order": "{order}"}, "Missing parameter: status"),
        ("setOrder", {"order": "{order}", "status": "Processing"}, "Incorrect status"),
        ("setOrder", {"order": "{order}", "status": "Partial"}, "Missing parameter: remains"),
        (
            "setOrder",
            {"order": "{order}", "status": "Partial", "remains": "1000"},
            "Remains above the quantity 100",
        ),
        (
            "setOrder",
            {"order": "{order}", "status": "Completed", "remains": "-1"},
            "Incorrect remains",
        ),
        ("setOrder", {"order": "999999", "status": "Completed"}, "Incorrect order ID"),
        ("getOrders", {"limit": "101"}, "Incorrect limit"),
        ("getOrders", {"limit": "0"}, "Incorrect limit"),
        ("getOrders", {"service": "x"}, "Incorrect service"),
        ("setRefill", {"refill": "999999", "status": "Completed"}, "Incorrect refill ID"),
        ("setRefill", {"refill": "1", "status": "Error"}, "Incorrect status"),
        ("setCancel", {"cancel": "999999", "status": "Accepted"}, "Incorrect cancel ID"),
        ("setCancel", {"cancel": "1", "status": "Maybe"}, "Incorrect status"),
        ("getUser", {}, "Missing parameter: user"),
        ("getUser", {"user": "nobody"}, "Incorrect user"),
        ("addBalance", {"user": "{user}", "amount": "1"}, "Missing parameter: reason"),
        ("addBalance", {"user": "{user}", "amount": "x", "reason": "r"}, "Incorrect amount"),
        (
            "addBalance",
            {"user": "{user}", "amount": "0", "reason": "r"},
            "The amount must not be zero",
        ),
        (
            "addBalance",
            {"user": "{user}", "amount": "-100", "reason": "r"},
            "Not enough funds on balance",
        ),
        ("addBalance", {"user": "{user}", "amount": "1", "reason": "r" * 256}, "Incorrect reason"),
        ("nothing", {}, "Incorrect request"),
        ("", {}, "Incorrect request"),
    ],
)
def test_bad_inputs_get_a_clear_error_and_change_nothing(adminapi, admin, action, params, error):
    (order,) = place_manual_orders(1)
    account, _ = make_account("5", username="gina")
    filled = {
        name: value.format(order=order.pk, user=account.user.username)
        for name, value in params.items()
    }
    before = _state()
    assert adminapi.post(admin.key, action, **filled) == {"error": error}
    assert _state() == before


def test_a_finished_order_stays_finished(adminapi, admin):
    (order,) = place_manual_orders(1)
    adminapi.post(admin.key, "setOrder", order=order.pk, status="Completed")
    before = _state()
    reply = adminapi.post(admin.key, "setOrder", order=order.pk, status="Canceled")
    assert reply == {"error": "The order is already finished"}
    assert _state() == before


@pytest.mark.parametrize("key", [None, "", "not-a-key", "x" * 300])
def test_a_missing_or_unknown_key_is_refused(adminapi, key):
    assert adminapi.post(key, "getOrders") == {"error": "Invalid API key"}


def test_a_customer_key_is_not_a_staff_key(adminapi):
    place_manual_orders(1)
    _, customer_key = make_account("5")
    before = _state()
    assert adminapi.post(customer_key, "getOrders") == {"error": "Invalid API key"}
    assert _state() == before
