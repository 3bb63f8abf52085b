"""Sending the outbox: retried with back-off after a failure, given up after the last attempt,
never sent twice — by two passes or by two workers at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from smmpanel.notifications.delivery import deliver_due, retry_delay
from smmpanel.notifications.models import Channel, Message, MessageStatus
from smmpanel.notifications.outbox import TICKET_ANSWERED, notify_customer
from tests.factories import make_account


def customer(email: str = "bob@example.com"):
    account, _ = make_account()
    account.user.email = email
    account.user.save(update_fields=["email"])
    return account


def ticket(account, number: int = 1) -> None:
    notify_customer(
        account=account, kind=TICKET_ANSWERED, params={"ticket": number, "subject": "s"}
    )


@pytest.mark.django_db
def test_a_failing_smtp_server_is_retried_and_the_message_sent_once(smtp):
    account = customer()
    ticket(account)
    smtp.inbox.fail = 1
    now = timezone.now()
    deliver_due(now)
    message = Message.objects.get()
    assert (message.status, message.attempts, message.sent_at) == (MessageStatus.PENDING, 1, None)
    assert "451" in message.last_error
    assert message.next_attempt_at >= now + retry_delay(1) - timedelta(seconds=1)
    deliver_due(now)  # not due yet
    assert smtp.inbox.messages == []
    deliver_due(now + timedelta(minutes=5))
    deliver_due(now + timedelta(hours=5))
    assert len(smtp.inbox.to("bob@example.com")) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("sent", 2, None)


@pytest.mark.django_db
def test_a_message_is_given_up_after_the_last_attempt(smtp, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    ticket(customer())
    smtp.inbox.fail = 10
    now = timezone.now()
    for hours in range(5):
        deliver_due(now + timedelta(hours=hours))
    message = Message.objects.get()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 3, None)
    assert smtp.inbox.fail == 7


@pytest.mark.django_db
def test_a_failing_telegram_is_retried_after_its_retry_after_and_sent_once(telegram):
    Message.objects.create(
        channel=Channel.TELEGRAM, recipient="42", kind="worker_down",
        params={"since": "<now>"}, next_attempt_at=timezone.now(),
    )  # fmt: skip
    telegram.fail = 1
    now = timezone.now()
    deliver_due(now)
    message = Message.objects.get()
    assert message.attempts == 1 and "429" in message.last_error
    # "retry_after": the number of seconds left to wait before the request can be repeated.
    assert message.next_attempt_at <= timezone.now() + timedelta(seconds=2)
    deliver_due(now + timedelta(seconds=5))
    deliver_due(now + timedelta(hours=5))
    [sent] = telegram.sent
    assert sent["chat_id"] == "42" and sent["parse_mode"] == "HTML"
    assert sent["text"].startswith("<b>The worker is not running</b>\n")
    assert "&lt;now&gt;" in sent["text"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(smtp):
    accounts = [customer(f"c{n}@example.com") for n in range(3)]
    for number in range(30):
        ticket(accounts[number % 3], number)
    start = threading.Barrier(2)

    def worker() -> None:
        try:
            start.wait()
            deliver_due()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    subjects = sorted(m["Subject"] for m in smtp.inbox.messages)
    assert subjects == sorted(f"Ticket {n} answered" for n in range(30))
    assert Message.objects.filter(status=MessageStatus.SENT, attempts=1).count() == 30
