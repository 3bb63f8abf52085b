"""What operators are told, by e-mail (a real SMTP server) and Telegram (the fake Bot API): each
trigger through the code that fires it, each said once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.monitoring.heartbeat import beat
from smmpanel.monitoring.models import WorkerHeartbeat
from smmpanel.notifications.delivery import deliver_due
from smmpanel.notifications.models import Message
from smmpanel.notifications.outbox import NEW_TICKET, notify_operators
from smmpanel.notifications.watch import check_worker
from smmpanel.payments.models import PaymentMethod
from smmpanel.payments.operations import create_payment
from smmpanel.providers.models import Provider
from smmpanel.providers.operations import poll_balance
from smmpanel.worker.loop import run_once
from tests.conftest import run_cli
from tests.factories import make_account
from tests.providers.fixtures import order_of

pytestmark = pytest.mark.django_db


def told(smtp, telegram) -> list[str]:
    """Subjects the operators got, by e-mail and by Telegram (the same, once each)."""
    deliver_due()
    deliver_due(timezone.now() + timedelta(hours=3))
    mails = [m["Subject"] for m in smtp.inbox.to("ops@example.com")]
    chats = [m["text"].split("\n")[0][3:-4] for m in telegram.sent if m["chat_id"] == "-100777"]
    assert mails == chats
    return mails


def test_a_manual_payment_waiting_for_approval(smtp, telegram):
    account, _ = make_account()
    bank = PaymentMethod.objects.create(name="Bank", gateway="manual")
    payment = create_payment(account=account, method=bank, amount=Decimal("10"), reference="R")
    assert told(smtp, telegram) == [f"Payment {payment.pk} waits for approval"]
    body = smtp.inbox.messages[0].get_content()
    assert account.user.username in body and "Bank" in body and "R" in body


def test_operators_are_the_staff_without_an_operator_address(smtp, settings, django_user_model):
    settings.OPERATOR_EMAIL = ""
    django_user_model.objects.create_user("op", "op@example.com", is_staff=True)
    django_user_model.objects.create_user("cu", "cu@example.com")
    notify_operators(kind=NEW_TICKET, params={"ticket": 9, "username": "cu", "subject": "Help"})
    deliver_due()
    assert [m["To"] for m in smtp.inbox.messages] == ["op@example.com"]
    assert smtp.inbox.messages[0]["Subject"] == "New ticket 9"


def test_provider_low_balance_is_told_once_per_crossing(smtp, telegram, provider, upstream):
    Provider.objects.filter(pk=provider.pk).update(low_balance=Decimal("100"))
    provider.refresh_from_db()

    def poll(balance: str) -> None:
        upstream.panel.balance = Decimal(balance)
        poll_balance(Provider.objects.get(pk=provider.pk), timezone.now())

    for balance in ("500", "90", "80", "70", "150", "50", "40"):
        poll(balance)
    assert told(smtp, telegram) == ["Provider up: balance low"] * 2


def test_a_provider_refusing_orders_in_a_row_is_told_once(
    smtp, telegram, settings, followers, upstream
):
    settings.NOTIFY_PROVIDER_REFUSALS = 3
    upstream.fail("error", actions="add", message="Service is disabled")
    for _ in range(5):
        order_of(followers)
    run_once()
    subjects = told(smtp, telegram)
    assert subjects.count("Provider up refuses orders") == 1
    assert "Service is disabled" in smtp.inbox.to("ops@example.com")[0].get_content()


def test_orders_in_review_are_told_in_one_message(smtp, telegram, followers, upstream):
    upstream.fail("drop", actions="add", performed=True)
    orders = [order_of(followers) for _ in range(2)]
    run_once()
    subjects = told(smtp, telegram)
    reviewed = [s for s in subjects if "need review" in s]
    assert len(reviewed) == 1
    body = [m for m in smtp.inbox.messages if "need review" in m["Subject"]][0].get_content()
    assert all(str(order.pk) in body for order in orders) or str(orders[0].pk) in body


def test_a_new_ticket(smtp, telegram):
    notify_operators(kind=NEW_TICKET, params={"ticket": 5, "username": "ann", "subject": "<x>"})
    assert told(smtp, telegram) == ["New ticket 5"]
    assert "ann opened ticket 5: &lt;x&gt;" in telegram.sent[0]["text"]


def test_a_stopped_worker_is_told_once_per_outage_by_the_check_itself(smtp, telegram):
    assert check_worker() == "never"
    beat()
    assert check_worker() == "running"
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(hours=1))
    assert check_worker() == "down"
    assert check_worker() == "down"
    # Sent by the check: no worker pass is needed.
    assert [m["Subject"] for m in smtp.inbox.messages] == ["The worker is not running"]
    assert len(telegram.sent) == 1
    assert Message.objects.filter(status="sent").count() == 2
    beat()
    assert check_worker() == "running"
    WorkerHeartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=30))
    assert check_worker() == "down"  # another outage: told again
    assert len(smtp.inbox.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_the_check_worker_command(smmpanel_env):
    result = run_cli(smmpanel_env, "notifications", "check-worker", "--json")
    assert result.stdout.strip() == '{"worker": "never"}', result.stderr


@pytest.mark.django_db(transaction=True)
def test_support_tickets_tell_the_operators_and_the_customer(smtp, telegram, django_user_model):
    from smmpanel.audit.log import Actor
    from smmpanel.support.actions import open_ticket, staff_reply

    account, _ = make_account()
    account.user.email = "dee@example.com"
    account.user.save()
    ticket = open_ticket(
        account=account, kind="payment", order_ids=[], body="Where?",
        acting_user=Actor.of_user(account.user),
    )  # fmt: skip
    staff = django_user_model.objects.create_user("staffer", is_staff=True)
    staff_reply(ticket_id=ticket.pk, body="Here.", acting_user=Actor.of_user(staff))
    deliver_due()
    assert [m["Subject"] for m in smtp.inbox.to("ops@example.com")] == [f"New ticket {ticket.pk}"]
    assert f"opened ticket {ticket.pk}: Payment" in telegram.sent[0]["text"]
    [answered] = smtp.inbox.to("dee@example.com")
    assert answered["Subject"] == f"Ticket {ticket.pk} answered"
