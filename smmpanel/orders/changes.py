"""What other apps hear of a change to an order, a refill or a cancel request.

`orders` must not import the apps that follow its changes (webhooks, notifications): they
connect receivers to these signals in their `AppConfig.ready`. A signal is sent inside the
transaction that made the change, after the change is written, so a receiver's rows (an outbox
entry) commit or roll back with it. A receiver only writes rows; it never makes a network call
(design rule 6) and it decides nothing about the order.
"""

from django.dispatch import Signal

# orders: list[Order] whose status, start_count or remains has just changed.
orders_changed = Signal()
# refill: the Refill just opened or whose status has just changed.
refill_changed = Signal()
# cancel: the CancelRequest just opened or decided (its status is the new one).
cancel_changed = Signal()
