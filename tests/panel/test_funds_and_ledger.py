"""Add funds by bank transfer, the transactions page and its CSV export."""

import csv
import io
from decimal import Decimal

from smmpanel.accounts import ledger
from smmpanel.audit.log import Actor
from smmpanel.payments.models import Payment, PaymentStatus
from smmpanel.payments.operations import approve_payment, create_payment
from tests.factories import make_service


def test_bank_transfer_waits_for_the_operator(browser, customer, bank):
    page = browser.get("/funds/").content.decode()
    assert "BCA 123-456-789 a/n Panel" in page
    response = browser.post(
        "/funds/", {"method": bank.pk, "amount": "50,5", "reference": "TRX 42"}, follow=True
    )
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference) == (Decimal("50.5"), "TRX 42")
    assert payment.status == PaymentStatus.PENDING
    assert "Waiting" in response.content.decode()
    customer.refresh_from_db()
    assert customer.balance == Decimal("100")
    approve_payment(payment_id=payment.pk, acting_user=Actor.system())
    page = browser.get("/funds/").content.decode()
    assert "Approved" in page and "150.50 USD" in page


def test_bank_transfer_errors_are_shown(browser, customer, bank):
    response = browser.post("/funds/", {"method": bank.pk, "amount": "2", "reference": "x"})
    assert response.context["form"].errors["amount"] == ["The minimum amount is 5.00 USD"]
    response = browser.post("/funds/", {"method": bank.pk, "amount": "10", "reference": ""})
    assert response.context["form"].errors["reference"] == ["Enter the reference of your transfer"]
    response = browser.post("/funds/", {"method": bank.pk, "amount": "abc", "reference": "x"})
    assert response.context["form"].errors["amount"] == ["Enter a positive amount"]
    assert not Payment.objects.exists()


def test_transactions_page_and_csv_match_the_ledger(browser, customer):
    service = make_service(rate=Decimal("0.27819"), min_quantity=1)
    browser.post("/", {"service": service.pk, "link": "https://x.com/a", "quantity": "1"})
    ledger.adjust(account=customer, amount=Decimal("-1"), reason='=HYPERLINK("http://evil")')
    page = browser.get("/transactions/").content.decode()
    # Every amount with the currency's decimals, but a charge too small for them keeps its digits.
    assert "-0.00028 USD" in page and "100.00 USD" in page and "99.99972" not in page
    response = browser.get("/transactions/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "id",
        "date",
        "type",
        "amount",
        "balance_after",
        "currency",
        "order",
        "reason",
    ]
    kinds = [(row[2], row[3], row[4]) for row in rows[1:]]
    assert kinds == [
        ("deposit", "100.00", "100.00"),
        ("charge", "-0.00028", "99.99972"),
        ("adjustment", "-1.00", "98.99972"),
    ]
    assert rows[2][6] != "" and rows[3][7] == '\'=HYPERLINK("http://evil")'
    customer.refresh_from_db()
    assert sum(Decimal(row[3]) for row in rows[1:]) == customer.balance


def test_the_csv_holds_only_the_customers_entries(browser, customer):
    from tests.factories import make_account

    make_account("77")
    response = browser.get("/transactions/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert "77.00" not in body and len(body.strip().splitlines()) == 2


def test_too_many_waiting_payments_is_said_above_the_form(browser, customer, bank):
    for n in range(5):
        browser.post("/funds/", {"method": bank.pk, "amount": "10", "reference": f"T{n}"})
    response = browser.post("/funds/", {"method": bank.pk, "amount": "10", "reference": "T6"})
    assert response.context["form"].non_field_errors() == [
        "You have too many payments waiting for approval; wait until they are checked"
    ]
    assert Payment.objects.count() == 5


def test_the_ledger_names_a_payment_in_the_customers_language(browser, customer, bank):
    payment = create_payment(account=customer, method=bank, amount=Decimal("20"), reference="T1")
    approve_payment(payment_id=payment.pk, acting_user=Actor.system())
    page = browser.get("/transactions/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f"Thanh toán {payment.pk}: Bank transfer" in page
    assert f"Payment {payment.pk}:" not in page  # the stored English reason is not shown
