"""Payments to approve: approval deposits once through the ledger; support may not decide."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from smmpanel.accounts import ledger
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.models import PaymentMethod, PaymentStatus
from smmpanel.payments.operations import create_payment
from tests.factories import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(db):
    account, _ = make_account(username="payer")
    bank = PaymentMethod.objects.create(name="Bank <b>BCA</b>", gateway="manual")
    first = create_payment(account=account, method=bank, amount=Decimal("25"), reference="TX-1")
    second = create_payment(account=account, method=bank, amount=Decimal("40"), reference="TX-2")
    return account, first, second


def test_approve_deposits_once_and_reject_moves_nothing(admin_op, waiting):
    account, first, second = waiting
    page = admin_op.get(reverse("backoffice:payments"))
    assert page.status_code == 200 and "Bank &lt;b&gt;BCA&lt;/b&gt;" in page.content.decode()
    url = reverse("backoffice:payment_decide", args=[first.pk])
    admin_op.post(url, {"approve": "1", "note": "seen in bank"})
    admin_op.post(url, {"approve": "1"})  # a second click deposits nothing
    admin_op.post(reverse("backoffice:payment_decide", args=[second.pk]), {"reject": "1"})
    account.refresh_from_db()
    assert account.balance == Decimal("25")
    assert LedgerEntry.objects.filter(account=account, kind="deposit").count() == 1
    assert ledger.audit() == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PaymentStatus.APPROVED and first.note == "seen in bank"
    assert second.status == PaymentStatus.REJECTED
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "before", "after"))
    assert [entry[0] for entry in entries] == ["payment.approve", "payment.reject"]
    assert entries[0][1]["status"] == "pending" and entries[0][2]["status"] == "approved"


def test_support_can_neither_see_nor_decide_payments(support_op, waiting):
    account, first, _ = waiting
    assert support_op.get(reverse("backoffice:payments")).status_code == 403
    url = reverse("backoffice:payment_decide", args=[first.pk])
    assert support_op.post(url, {"approve": "1"}).status_code == 403
    account.refresh_from_db()
    assert account.balance == 0


def test_the_customer_sees_the_message_never_the_internal_note(admin_op, waiting):
    account, first, second = waiting
    form = admin_op.get(reverse("backoffice:payments")).content.decode()
    assert 'name="note"' in form and 'name="message"' in form
    admin_op.post(
        reverse("backoffice:payment_decide", args=[first.pk]),
        {"approve": "1", "note": "matched BCA statement, agent Rudi", "message": "Thank you!"},
    )
    admin_op.post(
        reverse("backoffice:payment_decide", args=[second.pk]),
        {"reject": "1", "note": "suspected fraud, same card as user 17"},
    )
    first.refresh_from_db()
    assert (first.note, first.message) == ("matched BCA statement, agent Rudi", "Thank you!")
    customer = Client()
    customer.force_login(account.user)
    funds = customer.get(reverse("panel:funds")).content.decode()
    assert "Thank you!" in funds
    assert "agent Rudi" not in funds and "fraud" not in funds
    # The operators still see both.
    decided = admin_op.get(reverse("backoffice:payments") + "?status=approved").content.decode()
    assert "agent Rudi" in decided and "Thank you!" in decided


def test_the_list_filters_by_method_user_and_reference(admin_op, waiting):
    account, first, second = waiting
    other, _ = make_account(username="someone-else")
    card = PaymentMethod.objects.create(name="Card", gateway="manual")
    create_payment(account=other, method=card, amount=Decimal("9"), reference="ZZ-9")
    url = reverse("backoffice:payments")

    def ids(query: str) -> set[str]:
        page = admin_op.get(f"{url}?{query}").content.decode()
        return {ref for ref in ("TX-1", "TX-2", "ZZ-9") if ref in page}

    assert ids("status=pending") == {"TX-1", "TX-2", "ZZ-9"}
    assert ids(f"status=pending&method={card.pk}") == {"ZZ-9"}
    assert ids("status=pending&user=payer") == {"TX-1", "TX-2"}
    assert ids("status=pending&q=tx-2") == {"TX-2"}


def test_a_payments_history_and_a_check_refused_without_a_status_api(admin_op, waiting):
    _, first, _ = waiting
    admin_op.post(reverse("backoffice:payment_decide", args=[first.pk]), {"approve": "1"})
    page = admin_op.get(reverse("backoffice:payment", args=[first.pk])).content.decode()
    assert "Payment created" in page and "Credited" in page
    assert "Check with the gateway now" not in page  # a bank transfer has no status API
    check = admin_op.post(reverse("backoffice:payment_check", args=[first.pk]), follow=True)
    assert "can not be asked about a payment" in check.content.decode()
