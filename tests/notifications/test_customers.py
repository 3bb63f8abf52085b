"""What customers are told, by e-mail through a real SMTP server: each kind once, as their
profile chooses, in their language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smmpanel.audit.log import Actor
from smmpanel.notifications.delivery import deliver_due
from smmpanel.notifications.models import Message, MessageStatus
from smmpanel.notifications.outbox import TICKET_ANSWERED, notify_customer
from smmpanel.notifications.preferences import save_preferences
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import report_refill_status, request_refill
from smmpanel.orders.status import StatusReport, apply_status, apply_statuses
from smmpanel.payments.models import PaymentMethod
from smmpanel.payments.operations import approve_payment, create_payment
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def customer(email: str = "ann@example.com", language: str = "", balance: str = "100"):
    account, _ = make_account(balance)
    account.user.email = email
    account.user.save(update_fields=["email"])
    account.language = language
    account.save(update_fields=["language"])
    return account


def order_for(account, **service):
    service_ = make_service(rate=Decimal("1"), name="Likes", **service)
    params = {"link": "https://x.com/a", "quantity": "1000"}
    return place_order(account=account, service=service_, params=params)


def two_passes() -> None:
    deliver_due()
    deliver_due(timezone.now() + timedelta(hours=2))


def test_payment_credited_is_mailed_once(smtp):
    account = customer()
    method = PaymentMethod.objects.create(name="Bank", gateway="manual")
    payment = create_payment(account=account, method=method, amount=Decimal("25"), reference="T1")
    approve_payment(payment_id=payment.pk, acting_user=Actor.system())
    two_passes()
    [mail] = smtp.inbox.to("ann@example.com")
    assert mail["Subject"] == f"Payment {payment.pk} credited"
    assert "25" in mail.get_content()
    assert Message.objects.get(account=account).status == MessageStatus.SENT


@pytest.mark.parametrize(
    ("status", "remains", "subject", "refund"),
    [
        (OrderStatus.COMPLETED, 0, "completed", None),
        (OrderStatus.PARTIAL, 400, "partially completed", "0.40"),
        (OrderStatus.CANCELED, 1000, "canceled", "1.00"),
    ],
)
def test_a_final_order_is_mailed_once_with_its_refund(smtp, status, remains, subject, refund):
    account = customer()
    order = order_for(account)
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, remains=1000)
    apply_status(order_id=order.pk, status=status, remains=remains)
    apply_status(order_id=order.pk, status=status, remains=remains)
    two_passes()
    [mail] = smtp.inbox.to("ann@example.com")
    assert mail["Subject"] == f"Order {order.pk} {subject}"
    assert "Likes" in mail.get_content()
    if refund:
        assert f"Refunded to your balance: {refund}" in mail.get_content()


def test_a_finished_refill_is_mailed_once(smtp):
    account = customer()
    order = order_for(account, refill=True)
    order = apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    refill = request_refill(account=account, order=order)
    report_refill_status(refill_id=refill.pk, status="In progress")
    report_refill_status(refill_id=refill.pk, status="Completed")
    two_passes()
    refills = [m for m in smtp.inbox.to("ann@example.com") if "Refill" in m["Subject"]]
    assert [m["Subject"] for m in refills] == [f"Refill of order {order.pk}: Completed"]


def test_ticket_answered_is_mailed_once(smtp):
    account = customer()
    notify_customer(account=account, kind=TICKET_ANSWERED, params={"ticket": 7, "subject": "<b>"})
    two_passes()
    [mail] = smtp.inbox.to("ann@example.com")
    assert mail["Subject"] == "Ticket 7 answered"
    assert "(<b>)" in mail.get_content()  # plain text: as written


def test_a_kind_turned_off_in_the_profile_is_not_sent(smtp):
    account = customer()
    save_preferences(account=account, acting_user=Actor.system(), values={"order_completed": False})
    order = order_for(account)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    notify_customer(account=account, kind=TICKET_ANSWERED, params={"ticket": 1, "subject": "x"})
    two_passes()
    assert [m["Subject"] for m in smtp.inbox.to("ann@example.com")] == ["Ticket 1 answered"]


def test_no_email_channel_and_no_address_send_nothing(smtp):
    account = customer()
    save_preferences(account=account, acting_user=Actor.system(), values={"by_email": False})
    nobody = customer(email="")
    for who in (account, nobody):
        notify_customer(account=who, kind=TICKET_ANSWERED, params={"ticket": 1, "subject": "x"})
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("id", "Pesanan {} selesai", "selesai"),
        ("vi", "Đơn hàng {} đã hoàn thành", "hoàn thành"),
    ],
)
def test_the_message_is_in_the_recipients_language(smtp, language, subject, words):
    account = customer(language=language)
    order = order_for(account)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, remains=0)
    two_passes()
    [mail] = smtp.inbox.to("ann@example.com")
    assert mail["Subject"] == subject.format(order.pk)
    assert words in mail.get_content()


def test_a_batch_of_status_changes_costs_one_query_and_nothing_for_unfinished_orders():
    accounts = [customer(email=f"c{n}@example.com") for n in range(3)]
    orders = [order_for(account) for account in accounts for _ in range(2)]
    progress = [StatusReport(o.pk, OrderStatus.IN_PROGRESS, remains=10) for o in orders]
    with CaptureQueriesContext(connection) as unfinished:
        apply_statuses(progress)
    assert not any("notifications" in q["sql"] for q in unfinished.captured_queries)
    assert not any('"accounts_account"' in q["sql"] for q in unfinished.captured_queries)
    final = [StatusReport(o.pk, OrderStatus.COMPLETED, remains=0) for o in orders]
    with CaptureQueriesContext(connection) as finished:
        apply_statuses(final)
    preferences = [q for q in finished.captured_queries if "notifications_preferences" in q["sql"]]
    assert len(preferences) == 1
    assert Message.objects.filter(kind="order_completed").count() == 6
