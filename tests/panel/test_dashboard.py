"""The dashboard's figures: the balance, this month's spending (charges less refunds, exact
Decimal), orders by status with links to the filtered list, the latest announcement."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from smmpanel.pages.actions import create_announcement
from smmpanel.panel.dashboard import month_start, orders_by_status, spent_this_month
from tests.factories import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(customer):
    service = make_service(rate=Decimal("0.333"), min_quantity=10)
    orders = [
        place_order(
            account=customer,
            service=service,
            params={"link": f"https://x.com/{n}", "quantity": "30"},
        )
        for n in range(4)
    ]
    apply_status(order_id=orders[1].pk, status=OrderStatus.COMPLETED, start_count=1, remains=0)
    apply_status(order_id=orders[2].pk, status=OrderStatus.CANCELED, start_count=1, remains=30)
    return orders


def test_spent_this_month_is_charges_less_refunds_exactly(customer, shop):
    # 4 × 30 × 0.333/1000 = 4 × 0.00999; the canceled one refunded in full.
    charge = sum(order.charge for order in shop)
    assert spent_this_month(customer) == charge - shop[2].charge
    assert spent_this_month(customer) == Decimal("3") * shop[0].charge
    assert isinstance(spent_this_month(customer), Decimal)


def test_last_months_charges_do_not_count(customer, shop):
    LedgerEntry.objects.filter(account=customer).update(
        created_at=month_start() - timedelta(seconds=1)
    )
    assert spent_this_month(customer) == Decimal("0")


def test_the_month_starts_at_midnight_of_the_first(settings):
    start = month_start(datetime(2026, 3, 17, 12, 30, tzinfo=UTC))
    assert (start.day, start.hour, start.minute) == (1, 0, 0)


def test_orders_by_status_counts_each(customer, shop):
    counts = {row.status: row.count for row in orders_by_status(customer)}
    assert counts == {OrderStatus.PENDING: 2, OrderStatus.COMPLETED: 1, OrderStatus.CANCELED: 1}


def test_the_page_shows_the_figures_and_links_to_the_filtered_orders(browser, customer, shop):
    customer.refresh_from_db()
    page = browser.get("/dashboard/").content.decode()
    assert 'data-testid="dashboard-balance">99.97 USD<' in page  # 100 - 3 × 0.00999
    assert 'data-testid="dashboard-spent">0.03 USD<' in page
    assert 'href="/orders/?status=Pending" data-testid="status-pending"' in page
    assert "<strong>2</strong>" in page
    assert 'href="/orders/?status=Completed"' in page
    assert 'data-testid="status-in-progress"' not in page  # none: not listed


def test_the_page_shows_the_latest_announcement(browser):
    system = Actor.system()
    create_announcement(acting_user=system, publish=True, title_en="Older news")
    create_announcement(acting_user=system, publish=True, title_en="Fresh news")
    page = browser.get("/dashboard/").content.decode()
    assert "Fresh news" in page and "Older news" not in page


def test_an_empty_dashboard(browser):
    page = browser.get("/dashboard/").content.decode()
    assert "No orders here yet." in page


def test_the_dashboard_is_in_the_menu_and_log_in_still_lands_on_new_order(browser, customer):
    assert 'href="/dashboard/"' in browser.get("/").content.decode()
    from django.test import Client

    response = Client().post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_open_tickets_count_until_closed(browser, customer):
    from smmpanel.support.actions import close_ticket, open_ticket
    from smmpanel.support.models import TicketKind

    actor = Actor.of_user(customer.user)
    tickets = [
        open_ticket(
            account=customer,
            kind=TicketKind.OTHER,
            order_ids=[],
            body=f"Hello {n}",
            acting_user=actor,
        )  # fmt: skip
        for n in range(3)
    ]
    close_ticket(ticket_id=tickets[0].pk, acting_user=actor, account=customer)
    page = browser.get("/dashboard/").text
    assert page.split('data-testid="dashboard-tickets">')[1].startswith("2<")
