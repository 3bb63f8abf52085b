"""What the support actions tell others, after their transaction committed (`on_commit`).

The call points of the notifications: "ticket answered" to the customer, "new ticket" to the
operators. The outbox (smmpanel/notifications/) is not part of the panel yet: until it is, these
write a log line, and its enqueue call goes here — the actions need not change.
"""

import logging

logger = logging.getLogger(__name__)


def ticket_answered(ticket_id: int) -> None:
    """Staff (or the automation) answered the customer's ticket."""
    logger.info("ticket %s answered", ticket_id)


def ticket_opened(ticket_id: int) -> None:
    """A customer opened a ticket that waits for staff."""
    logger.info("ticket %s opened", ticket_id)
