"""Linking a customer's Telegram chat with `/start CODE`, read by the worker with getUpdates."""

import pytest
from django.utils import timezone

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.notifications.delivery import deliver_due
from smmpanel.notifications.models import Preferences, TelegramPoll
from smmpanel.notifications.outbox import TICKET_ANSWERED, notify_customer
from smmpanel.notifications.preferences import (
    deep_link,
    save_preferences,
    start_telegram_link,
    unlink_telegram,
)
from smmpanel.notifications.telegram_poll import poll_telegram
from tests.factories import make_account
from tests.notifications.fakes import BOT_USERNAME

pytestmark = pytest.mark.django_db


def poll() -> None:
    now = timezone.now()
    poll_telegram(now)  # makes the row
    TelegramPoll.objects.update(next_attempt_at=now)
    poll_telegram(now)


def test_start_code_links_the_chat_and_a_bad_code_is_ignored(telegram):
    account, _ = make_account()
    code = start_telegram_link(account=account, acting_user=Actor.system())
    telegram.user_sends(555, "/start wrong-code")
    telegram.user_sends(777, f"/start {code}")
    poll()
    preferences = Preferences.objects.get(account=account)
    assert preferences.telegram_chat_id == "777" and preferences.telegram_code is None
    # The updates are confirmed: the stored offset is after the last one.
    poll_state = TelegramPoll.objects.get()
    assert poll_state.offset == max(u["update_id"] for u in telegram.updates) + 1
    assert poll_state.bot_username == BOT_USERNAME  # from getMe
    assert deep_link("abc") == f"https://t.me/{BOT_USERNAME}?start=abc"
    entry = AuditEntry.objects.get(action="notifications.telegram_link")
    assert entry.after == {"telegram_chat_id": "777"}
    # The used code links nothing more.
    telegram.user_sends(999, f"/start {code}")
    TelegramPoll.objects.update(next_attempt_at=timezone.now())
    poll_telegram(timezone.now())
    assert Preferences.objects.get(account=account).telegram_chat_id == "777"


def test_a_linked_customer_gets_telegram_too_or_instead(telegram, smtp):
    account, _ = make_account()
    account.user.email = "cat@example.com"
    account.user.save()
    code = start_telegram_link(account=account, acting_user=Actor.system())
    telegram.user_sends(321, f"/start {code}")
    poll()
    notify_customer(account=account, kind=TICKET_ANSWERED, params={"ticket": 3, "subject": "a<b"})
    deliver_due()
    assert [m["chat_id"] for m in telegram.sent] == ["321"]
    assert telegram.sent[0]["text"] == (
        "<b>Ticket 3 answered</b>\nYour ticket 3 (a&lt;b) has a new answer. "
        "Open the panel to read it."
    )
    assert len(smtp.inbox.to("cat@example.com")) == 1
    save_preferences(account=account, acting_user=Actor.system(), values={"by_email": False})
    notify_customer(account=account, kind=TICKET_ANSWERED, params={"ticket": 4, "subject": "b"})
    deliver_due()
    assert len(telegram.sent) == 2 and len(smtp.inbox.to("cat@example.com")) == 1


def test_actions_record_themselves(telegram):
    account, _ = make_account()
    save_preferences(account=account, acting_user=Actor.system(), values={"refill_finished": False})
    save_preferences(account=account, acting_user=Actor.system(), values={"refill_finished": False})
    [entry] = AuditEntry.objects.filter(action="notifications.preferences")
    assert entry.before["refill_finished"] is True and entry.after["refill_finished"] is False
    start_telegram_link(account=account, acting_user=Actor.system())
    assert AuditEntry.objects.filter(action="notifications.telegram_code").count() == 1
    Preferences.objects.filter(account=account).update(telegram_chat_id="5")
    unlink_telegram(account=account, acting_user=Actor.system())
    unlink_telegram(account=account, acting_user=Actor.system())
    [entry] = AuditEntry.objects.filter(action="notifications.telegram_unlink")
    assert entry.before == {"telegram_chat_id": "5"}
