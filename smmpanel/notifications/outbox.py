"""What other apps call to tell someone something: rows in the outbox, written inside the caller's
transaction (they commit or roll back with the change they tell of); the worker sends them.

    notify_customer(account=ticket.account, kind=TICKET_ANSWERED,
                    params={"ticket": ticket.pk, "subject": ticket.subject})
    notify_operators(kind=NEW_TICKET,
                     params={"ticket": ticket.pk, "username": "...", "subject": ticket.subject})

The kinds and their params (every value a string or a number; amounts as decimal strings):

Customers (each kind on/off in the profile; by e-mail and/or Telegram):
- `payment_credited`: payment, amount (what was credited, bonuses included)
- `order_completed`: order, service
- `order_partial`: order, service, remains, refund
- `order_canceled`: order, service, refund
- `refill_finished`: refill, order, refill_status (Completed or Rejected)
- `ticket_answered`: ticket, subject (the ticket's kind, shown by its label) — sent by
  smmpanel/support/notify.py when staff or the automation answer

Operators (the staff's e-mail addresses or SMMPANEL_OPERATOR_EMAIL, and the Telegram chat
SMMPANEL_TELEGRAM_CHAT_ID):
- `payment_waiting`: payment, username, amount, method, reference
- `provider_balance_low`: provider, balance, currency, threshold
- `orders_in_review`: count, orders (their ids, comma-separated)
- `provider_refusing`: provider, count, reason
- `new_ticket`: ticket, username, subject (the ticket's kind) — sent by
  smmpanel/support/notify.py when a ticket waits for staff
- `worker_down`: since
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from smmpanel.accounts.models import Account
from smmpanel.notifications.models import Channel, Message
from smmpanel.notifications.texts import (
    CUSTOMER_KINDS,
    NEW_TICKET,
    OPERATOR_KINDS,
    ORDER_CANCELED,
    ORDER_COMPLETED,
    ORDER_PARTIAL,
    PAYMENT_CREDITED,
    REFILL_FINISHED,
    TICKET_ANSWERED,
)

__all__ = [
    "NEW_TICKET",
    "ORDER_CANCELED",
    "ORDER_COMPLETED",
    "ORDER_PARTIAL",
    "PAYMENT_CREDITED",
    "REFILL_FINISHED",
    "TICKET_ANSWERED",
    "notify_customer",
    "notify_customers",
    "notify_operators",
]


@dataclass(frozen=True)
class Recipient:
    """Where one customer's messages go, read in one query with their preferences."""

    account_id: int
    email: str
    language: str
    telegram_chat_id: str
    wanted: frozenset[str]

    def messages(self, kind: str, params: dict) -> list[Message]:
        if kind not in self.wanted:
            return []
        rows = []
        now = timezone.now()
        for channel, address in (
            (Channel.EMAIL, self.email),
            (Channel.TELEGRAM, self.telegram_chat_id if settings.TELEGRAM_BOT_TOKEN else ""),
        ):
            if address:
                rows.append(
                    Message(
                        channel=channel,
                        recipient=address,
                        account_id=self.account_id,
                        kind=kind,
                        params=params,
                        language=self.language,
                        next_attempt_at=now,
                    )
                )
        return rows


_PREFERENCE = "notification_preferences__"


def recipients(account_ids: Iterable[int], kinds: Iterable[str]) -> dict[int, Recipient]:
    """The accounts' addresses and which of `kinds` each wants: one query (an account without
    preferences has the defaults: every kind, by e-mail and by Telegram once linked)."""
    kinds = [kind for kind in kinds if kind in CUSTOMER_KINDS]
    fields = ["pk", "user__email", "language", f"{_PREFERENCE}pk"]
    fields += [f"{_PREFERENCE}{name}" for name in ("by_email", "by_telegram", "telegram_chat_id")]
    fields += [f"{_PREFERENCE}{kind}" for kind in kinds]
    found = {}
    for row in Account.objects.filter(pk__in=set(account_ids)).values(*fields):
        defaults = row[f"{_PREFERENCE}pk"] is None
        by_email = defaults or row[f"{_PREFERENCE}by_email"]
        by_telegram = not defaults and row[f"{_PREFERENCE}by_telegram"]
        found[row["pk"]] = Recipient(
            account_id=row["pk"],
            email=(row["user__email"] or "") if by_email else "",
            language=row["language"] or settings.LANGUAGE_CODE,
            telegram_chat_id=(row[f"{_PREFERENCE}telegram_chat_id"] or "") if by_telegram else "",
            wanted=frozenset(kind for kind in kinds if defaults or row[f"{_PREFERENCE}{kind}"]),
        )
    return found


def notify_customers(notices: list[tuple[int, str, dict]]) -> int:
    """Queue (account id, kind, params) notices, each as its account's preferences say: one
    query for the preferences, one insert. Returns how many messages were queued."""
    if not notices:
        return 0
    found = recipients({pk for pk, _kind, _params in notices}, {kind for _pk, kind, _p in notices})
    rows = [
        message
        for account_id, kind, params in notices
        if account_id in found
        for message in found[account_id].messages(kind, params)
    ]
    Message.objects.bulk_create(rows)
    return len(rows)


def notify_customer(*, account: Account, kind: str, params: dict) -> int:
    """Queue a message of `kind` (see the module's list) to the customer, by the channels and
    kinds their profile chooses, inside the caller's transaction. Returns how many were queued."""
    if kind not in CUSTOMER_KINDS:
        raise ValueError(f"not a customer notification: {kind}")
    return notify_customers([(account.pk, kind, params)])


def operator_addresses() -> list[tuple[str, str]]:
    """(channel, recipient) of the operators: SMMPANEL_OPERATOR_EMAIL (comma-separated) or else
    every active staff user with an e-mail address; the Telegram chat when configured."""
    emails = [e.strip() for e in settings.OPERATOR_EMAIL.split(",") if e.strip()]
    if not emails:
        staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
        emails = sorted(set(staff.values_list("email", flat=True)))
    addresses = [(Channel.EMAIL.value, email) for email in emails]
    if settings.TELEGRAM_BOT_TOKEN and settings.TELEGRAM_CHAT_ID:
        addresses.append((Channel.TELEGRAM.value, settings.TELEGRAM_CHAT_ID))
    return addresses


def notify_operators(*, kind: str, params: dict) -> list[Message]:
    """Queue a message of `kind` (see the module's list) to every operator address, inside the
    caller's transaction, in the panel's default language."""
    if kind not in OPERATOR_KINDS:
        raise ValueError(f"not an operator notification: {kind}")
    now = timezone.now()
    rows = [
        Message(
            channel=channel,
            recipient=recipient,
            kind=kind,
            params=params,
            language=settings.LANGUAGE_CODE,
            next_attempt_at=now,
        )
        for channel, recipient in operator_addresses()
    ]
    return Message.objects.bulk_create(rows)
