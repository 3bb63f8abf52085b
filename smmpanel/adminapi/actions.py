"""One function per Admin API action: read the params, call the domain action as the key's staff
user, shape the reply. Each takes the acting staff user (an `Actor`) and the request's params;
domain errors propagate to the view, which words them. `ACTIONS` says which permissions of the
user's role each action needs (`backoffice.roles`: support may not touch balances)."""

from collections.abc import Callable
from typing import Any, NamedTuple

from django.db.models import QuerySet

from smmpanel.accounts.actions import adjust_balance
from smmpanel.accounts.models import Account
from smmpanel.adminapi import params as read
from smmpanel.adminapi.errors import AdminApiError, AdminApiErrorCode
from smmpanel.api.replies import money
from smmpanel.audit.log import Actor
from smmpanel.catalog.models import Fulfilment
from smmpanel.configuration.current import current
from smmpanel.fulfilment.actions import cancel_order
from smmpanel.fulfilment.manual import MAX_CLAIM, claim_manual_orders
from smmpanel.inputs import parse_id
from smmpanel.orders.actions import set_order_status
from smmpanel.orders.cancels import accept_cancel, reject_cancel
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import (
    CancelRequest,
    CancelStatus,
    Order,
    OrderStatus,
    Refill,
    RefillStatus,
)
from smmpanel.orders.refills import OPEN, set_refill_status

Reply = dict[str, Any]
MAX_LISTED = 100
REASON_MAX_LENGTH = 255

ORDER_STATUSES = (
    OrderStatus.IN_PROGRESS,
    OrderStatus.COMPLETED,
    OrderStatus.PARTIAL,
    OrderStatus.CANCELED,
)
REFILL_STATUSES = (RefillStatus.IN_PROGRESS, RefillStatus.COMPLETED, RefillStatus.REJECTED)
CANCEL_DECISIONS = (CancelStatus.ACCEPTED, CancelStatus.REJECTED)


def _order(order: Order) -> Reply:
    """An order as a bot needs it to do the work: the type's own fields (comments, usernames…)
    as the order stores them, one item per line where they are lists."""
    fields = {
        "id": order.pk,
        "service": order.service_id,
        "link": order.link,
        "quantity": order.quantity,
        "charge": money(order.charge),
        "user": order.account.user.get_username(),
        "status": order.status,
        "created": order.created_at.isoformat(),
    }
    if order.runs:
        fields.update(runs=order.runs, interval=order.interval)
    return {**order.details, **fields}


# --- orders ---------------------------------------------------------------------------------
def get_orders(actor: Actor, params: dict[str, str]) -> Reply:
    service_id = read.optional_id(params, "service")
    limit = read.limit(params, MAX_CLAIM)
    claimed = claim_manual_orders(acting_user=actor, limit=limit, service_id=service_id)
    orders = Order.objects.select_related("account__user").in_bulk([o.pk for o in claimed])
    return {"orders": [_order(orders[order.pk]) for order in claimed]}


def set_order(actor: Actor, params: dict[str, str]) -> Reply:
    order_id = read.an_id(params, "order")
    status = read.choice(params, "status", ORDER_STATUSES)
    start_count = read.optional_count(params, "start_count")
    remains = read.optional_count(params, "remains")
    if status == OrderStatus.PARTIAL and remains is None:
        raise AdminApiError(AdminApiErrorCode.MISSING_PARAMETER, field="remains")
    if not Order.objects.filter(pk=order_id).exists():
        raise OrderError(OrderErrorCode.INCORRECT_ORDER)
    if status == OrderStatus.CANCELED:
        order = cancel_order(order_id=order_id, acting_user=actor)
    else:
        order = set_order_status(
            order_id=order_id,
            status=status,
            start_count=start_count,
            remains=remains,
            acting_user=actor,
        )
    return {"order": order.pk, "status": order.status}


# --- refills and cancels ----------------------------------------------------------------------
def _of_manual_orders(queryset: QuerySet, params: dict[str, str]) -> list:
    service_id = read.optional_id(params, "service")
    queryset = queryset.filter(order__service__fulfilment=Fulfilment.MANUAL)
    if service_id is not None:
        queryset = queryset.filter(order__service_id=service_id)
    limit = read.limit(params, MAX_LISTED)
    return list(queryset.select_related("order__account__user").order_by("pk")[:limit])


def get_refills(actor: Actor, params: dict[str, str]) -> Reply:
    refills = _of_manual_orders(Refill.objects.filter(status__in=OPEN), params)
    return {
        "refills": [
            {
                "id": refill.pk,
                "status": refill.status,
                "created": refill.created_at.isoformat(),
                "order": _order(refill.order),
            }
            for refill in refills
        ]
    }


def set_refill(actor: Actor, params: dict[str, str]) -> Reply:
    refill_id = read.an_id(params, "refill")
    status = read.choice(params, "status", REFILL_STATUSES)
    try:
        refill = set_refill_status(refill_id=refill_id, status=status, acting_user=actor)
    except Refill.DoesNotExist:
        raise OrderError(OrderErrorCode.INCORRECT_REFILL) from None
    return {"refill": refill.pk, "status": refill.status}


def get_cancels(actor: Actor, params: dict[str, str]) -> Reply:
    pending = CancelRequest.objects.filter(status=CancelStatus.PENDING)
    cancels = _of_manual_orders(pending, params)
    return {
        "cancels": [
            {
                "id": cancel.pk,
                "status": cancel.status,
                "created": cancel.created_at.isoformat(),
                "order": _order(cancel.order),
            }
            for cancel in cancels
        ]
    }


def set_cancel(actor: Actor, params: dict[str, str]) -> Reply:
    cancel_id = read.an_id(params, "cancel")
    decision = read.choice(params, "status", CANCEL_DECISIONS)
    decide = accept_cancel if decision == CancelStatus.ACCEPTED else reject_cancel
    try:
        cancel = decide(cancel_id=cancel_id, acting_user=actor)
    except CancelRequest.DoesNotExist:
        raise AdminApiError(AdminApiErrorCode.INCORRECT_CANCEL) from None
    return {"cancel": cancel.pk, "status": cancel.status}


# --- customers --------------------------------------------------------------------------------
def _account(params: dict[str, str]) -> Account:
    """The customer named by `user`: a username, else an account id."""
    given = read.required(params, "user")
    accounts = Account.objects.select_related("user")
    found = accounts.filter(user__username=given).first()
    if found is None and (pk := parse_id(given)) is not None:
        found = accounts.filter(pk=pk).first()
    if found is None:
        raise AdminApiError(AdminApiErrorCode.INCORRECT_USER)
    return found


def _user(account: Account) -> Reply:
    return {
        "id": account.pk,
        "username": account.user.get_username(),
        "email": account.user.email,
        "balance": money(account.balance),
        "currency": current().currency,
        "status": account.status,
        "rate_discount": str(account.rate_discount),
        "created": account.created_at.isoformat(),
    }


def get_user(actor: Actor, params: dict[str, str]) -> Reply:
    return _user(_account(params))


def add_balance(actor: Actor, params: dict[str, str]) -> Reply:
    account = _account(params)
    amount = read.amount(params, "amount")
    reason = read.required(params, "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise AdminApiError(AdminApiErrorCode.INCORRECT_PARAMETER, field="reason")
    entry = adjust_balance(account_id=account.pk, amount=amount, reason=reason, acting_user=actor)
    account.refresh_from_db(fields=["balance"])
    return {**_user(account), "amount": money(entry.amount), "balance": money(entry.balance_after)}


# --- what each action needs of the key's role -------------------------------------------------
class Action(NamedTuple):
    permissions: tuple[str, ...]
    call: Callable[[Actor, dict[str, str]], Reply]


ORDERS = ("orders.view_order", "orders.change_order")
REFILLS = ("orders.view_refill", "orders.change_refill")
CANCELS = ("orders.view_cancelrequest", "orders.change_cancelrequest", "orders.change_order")
BALANCES = ("accounts.view_account", "accounts.change_account")

# By the lower-cased name (the dialect reads `action` lower-cased).
ACTIONS: dict[str, Action] = {
    "getorders": Action(ORDERS, get_orders),
    "setorder": Action(ORDERS, set_order),
    "getrefills": Action(REFILLS, get_refills),
    "setrefill": Action(REFILLS, set_refill),
    "getcancels": Action(CANCELS, get_cancels),
    "setcancel": Action(CANCELS, set_cancel),
    "getuser": Action(("accounts.view_account",), get_user),
    "addbalance": Action(BALANCES, add_balance),
}
