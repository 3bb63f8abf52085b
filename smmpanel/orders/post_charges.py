"""Unlimited subscriptions pay as their posts are served.

A subscription without `posts` is charged nothing at placement (nobody knows how many posts it
will serve); each post its fulfilment reports served is charged once, at the subscription's
largest size (`max` × rate / 1000, rounded up like every charge), through `accounts.ledger`.
`orders.status` calls `charge_served_posts` under the order's row lock for every report it
applies, so provider sync, simulated fulfilment and an operator's status go through it alike.
"""

import logging
from decimal import Decimal

from django.db.models import F, Max

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.order_types import OrderType
from smmpanel.money import ZERO, order_charge
from smmpanel.orders.models import CancelRequest, CancelStatus, Order
from smmpanel.orders.prices import rate_for

logger = logging.getLogger(__name__)

# The order's details that hold the price of a post (fixed at placement, as a string: JSON has no
# decimals) and the first post the balance could not pay for.
POST_CHARGE = "post_charge"
UNPAID_POST = "unpaid_post"

# A bound on the posts one report can charge: a provider claiming millions of new posts in one
# poll would otherwise hold the order's lock for as many ledger writes. The rest are charged by
# the next report that changes anything.
MAX_POSTS_PER_REPORT = 1000


def post_price(order: Order) -> Decimal | None:
    """What one served post of the unlimited subscription `order` costs; None for other orders."""
    if order.service.type != OrderType.SUBSCRIPTIONS or order.details.get("posts"):
        return None
    raw = order.details.get(POST_CHARGE)
    if raw is not None:
        return Decimal(raw)
    # Placed before posts were charged: the customer's rate of the service today.
    account = Account.objects.get(pk=order.account_id)
    return order_charge(rate_for(account, order.service), order.details["max"])


def charge_served_posts(order: Order) -> None:
    """Charge the posts of the locked unlimited subscription `order` served and not yet charged.

    Each post is charged once (a database constraint on the ledger, so a repeated report or a
    concurrent worker charges nothing more). A post the balance can not pay in full takes what
    the balance holds, down to zero; the subscription then stops: no further post is charged,
    the post is recorded in the details (`unpaid_post`), and a cancel is requested, which the
    fulfilment passes on as it does a customer's. `order.charge` grows by what was taken.
    """
    price = post_price(order)
    if price is None or price <= 0 or order.details.get(UNPAID_POST):
        return
    served = order.details.get("posts_served") or 0
    charged = (
        LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.CHARGE).aggregate(
            last=Max("post")
        )["last"]
        or 0
    )
    if served <= charged:
        return
    last = min(served, charged + MAX_POSTS_PER_REPORT)
    if last < served:
        logger.warning("order %s: %s posts reported at once", order.pk, served - charged)
    total = ZERO
    for post in range(charged + 1, last + 1):
        taken = ledger.charge_post(
            account_id=order.account_id,
            order_id=order.pk,
            post=post,
            amount=price,
            reason=f"post {post} of order {order.pk}",
        )
        if taken is None:  # charged already
            continue
        total += taken
        if taken < price:
            _stop(order, post)
            break
    if total:
        Order.objects.filter(pk=order.pk).update(charge=F("charge") + total)
        order.charge += total


def _stop(order: Order, post: int) -> None:
    """The balance ran out at `post`: record it, and ask the fulfilment to cancel (a cancel the
    customer asked for already is the same request)."""
    order.details = {**order.details, UNPAID_POST: post}
    if order.is_final:
        return
    if not CancelRequest.objects.filter(order=order, status=CancelStatus.PENDING).exists():
        CancelRequest.objects.create(order=order)
