"""Which orders the operator's duplicate-link rule looks at.

The rule refuses a second active order for the same service and link. Only orders marked
`link_guarded` are indexed by service and link (the partial index `order_guarded_link`): an index
led by the service takes a page at a random place of it for every order, the costliest page of an
order's write on SQLite, and the rule is off unless the operator turns it on. So an order is
marked when it is placed under the rule, and the active orders placed while the rule was off
(by this process, or by another one that had not seen the change yet) are marked by `catch_up`
before the rule is checked: all of them the first time, then those placed since the last time,
once per reading of the panel's settings (`configuration.current`, at most every few seconds).
Two processes may both catch up: marking twice changes nothing.
"""

from django.db import transaction
from django.db.models import Max

from smmpanel.configuration.current import Current
from smmpanel.orders.models import FINAL_STATUSES, Order

# The settings the last committed catch-up ran under, and the last order id it looked at.
_caught_up: tuple[Current, int] | None = None


def forget() -> None:
    """The rule was found off: the next catch-up looks at every order again."""
    global _caught_up
    _caught_up = None


def catch_up(settings_now: Current) -> None:
    """Mark the active orders with a link that the rule has not looked at yet (in a transaction
    of its own, so that a refused order does not undo it)."""
    caught_up = _caught_up
    if caught_up is not None and caught_up[0] is settings_now:
        return
    since = caught_up[1] if caught_up is not None else 0
    with transaction.atomic():
        unmarked = Order.objects.filter(pk__gt=since, link_guarded=False).exclude(link="")
        unmarked.exclude(status__in=FINAL_STATUSES).update(link_guarded=True)
        last = Order.objects.aggregate(last=Max("pk"))["last"] or 0
        transaction.on_commit(lambda: _record(settings_now, last))


def _record(settings_now: Current, last: int) -> None:
    global _caught_up
    _caught_up = (settings_now, last)
