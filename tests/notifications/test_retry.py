"""Sending given-up messages again: the outbox's audited action, and the back-office's buttons."""

from datetime import timedelta

import pytest
from django.utils import timezone

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.backoffice import roles
from smmpanel.notifications.actions import retry_given_up
from smmpanel.notifications.delivery import deliver_due
from smmpanel.notifications.models import Message, MessageStatus
from tests.backoffice.conftest import operator
from tests.notifications.test_delivery import customer, ticket

pytestmark = pytest.mark.django_db


def given_up(smtp, settings, count: int) -> list[Message]:
    """`count` messages that the SMTP server refused until they were given up."""
    settings.NOTIFY_MAX_ATTEMPTS = 1
    account = customer()
    for number in range(count):
        ticket(account, number)
    smtp.inbox.fail = count
    deliver_due()
    messages = list(Message.objects.order_by("pk"))
    assert {message.status for message in messages} == {MessageStatus.FAILED}
    return messages


def test_a_given_up_message_is_sent_again_once_and_the_retry_recorded(smtp, settings):
    first, second = given_up(smtp, settings, 2)
    assert retry_given_up(acting_user=Actor.cli(), message_id=first.pk) == 1
    first.refresh_from_db()
    assert (first.status, first.attempts) == (MessageStatus.PENDING, 0)
    assert first.next_attempt_at <= timezone.now() and "451" in first.last_error
    entry = AuditEntry.objects.get(action="notification.retry")
    assert entry.object_id == str(first.pk) and entry.actor_name.startswith("cli:")
    assert entry.before == {"status": "failed", "attempts": 1}
    assert entry.after == {"status": "pending", "attempts": 0}
    # Not given up any more: a second retry changes nothing and records nothing.
    assert retry_given_up(acting_user=Actor.cli(), message_id=first.pk) == 0
    assert AuditEntry.objects.filter(action="notification.retry").count() == 1
    deliver_due(timezone.now() + timedelta(seconds=1))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == MessageStatus.SENT and second.status == MessageStatus.FAILED
    assert len(smtp.inbox.to("bob@example.com")) == 1


def test_retrying_all_takes_only_the_given_up_ones(smtp, settings):
    given_up(smtp, settings, 2)
    ticket(customer("carol@example.com"), 9)  # waiting, not given up
    assert retry_given_up(acting_user=Actor.system()) == 2
    assert Message.objects.filter(status=MessageStatus.PENDING).count() == 3
    assert AuditEntry.objects.filter(action="notification.retry").count() == 2


def test_the_back_office_retries_for_an_admin_only(smtp, settings):
    first, second = given_up(smtp, settings, 2)
    admin = operator("alice", roles.ADMIN)
    page = admin.get("/backoffice/notifications/").content.decode()
    assert "Send all given-up messages again" in page and "Send again" in page
    support = operator("sam", roles.SUPPORT)
    assert support.post("/backoffice/notifications/retry/", {"all": "1"}).status_code == 403
    assert not Message.objects.exclude(status=MessageStatus.FAILED).exists()
    reply = admin.post("/backoffice/notifications/retry/", {"message": str(second.pk)})
    assert reply.status_code == 302
    assert Message.objects.get(pk=second.pk).status == MessageStatus.PENDING
    assert Message.objects.get(pk=first.pk).status == MessageStatus.FAILED
    # A bad id or neither field changes nothing.
    for bad in ({"message": "x"}, {"message": "-1"}, {}):
        assert admin.post("/backoffice/notifications/retry/", bad).status_code == 302
    assert Message.objects.get(pk=first.pk).status == MessageStatus.FAILED
    admin.post("/backoffice/notifications/retry/", {"all": "1"})
    assert Message.objects.get(pk=first.pk).status == MessageStatus.PENDING
    entry = AuditEntry.objects.filter(action="notification.retry").latest("pk")
    assert entry.actor_name == "alice"
