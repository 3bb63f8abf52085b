"""Which orders the operator's duplicate-link rule looks at.

The rule refuses a second active order for the same service and link. Only orders marked
`link_guarded` are indexed by service and link (the partial index `order_guarded_link`): an index
led by the service takes a page at a random place of it for every order, the costliest page of an
order's write on SQLite, and the rule is off unless the operator turns it on. So an order is
marked when it is placed under the rule, and the active orders placed while the rule was off
(by this process, or by another one that read the settings just before the change) are marked
by `catch_up` before the rule is checked: all of them the first time, then those placed since
the last time, once per version of the panel's settings (`versions`). Two processes may both
catch up: marking twice changes nothing.
"""

from django.db import transaction
from django.db.models import Max

from smmpanel.orders.models import FINAL_STATUSES, Order
from smmpanel.versions import cache as versions


def catch_up() -> None:
    """Mark the active orders with a link that the rule has not looked at yet (in a transaction
    of its own, so that a refused order does not undo it), once per version of the settings."""
    versions.updated(("settings",), "orders.link_guard", _mark_since)


def _mark_since(since: int | None) -> int:
    """Mark the unmarked active orders after order `since`; the last order id looked at."""
    with transaction.atomic():
        unmarked = Order.objects.filter(pk__gt=since or 0, link_guarded=False).exclude(link="")
        unmarked.exclude(status__in=FINAL_STATUSES).update(link_guarded=True)
        return Order.objects.aggregate(last=Max("pk"))["last"] or 0
