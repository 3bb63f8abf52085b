"""Orders list, refills and cancels: only the customer's own, each through the domain."""

from decimal import Decimal

from django.utils import timezone

from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, Refill, RefillStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.refills import report_refill_status
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_service


def order_of(account, service, link="https://x.com/a", quantity="100", **extra) -> Order:
    return place_order(
        account=account, service=service, params={"link": link, "quantity": quantity, **extra}
    )


def test_status_tabs_and_search(browser, customer):
    service = make_service()
    first = order_of(customer, service, link="https://instagram.com/first")
    second = order_of(customer, service, link="https://instagram.com/second")
    apply_status(order_id=second.pk, status=OrderStatus.COMPLETED, start_count=10, remains=0)

    page = browser.get("/orders/", {"status": "Completed"})
    assert [o.pk for o in page.context["page"].object_list] == [second.pk]
    page = browser.get("/orders/", {"status": "Pending"})
    assert [o.pk for o in page.context["page"].object_list] == [first.pk]
    page = browser.get("/orders/", {"q": "first"})
    assert [o.pk for o in page.context["page"].object_list] == [first.pk]
    page = browser.get("/orders/", {"q": str(second.pk)})
    assert second.pk in [o.pk for o in page.context["page"].object_list]
    page = browser.get("/orders/")
    assert [o.pk for o in page.context["page"].object_list] == [second.pk, first.pk]


def test_pagination(browser, customer):
    service = make_service(rate=Decimal("0.01"))
    for n in range(30):
        order_of(customer, service, link=f"https://x.com/{n}")
    first = browser.get("/orders/").context["page"]
    second = browser.get("/orders/", {"page": 2}).context["page"]
    assert len(first.object_list) == 25 and len(second.object_list) == 5
    assert "page=2" in browser.get("/orders/").content.decode()


def test_another_customers_orders_are_invisible_and_untouchable(browser, customer):
    other, _ = make_account("100")
    service = make_service(cancel=True, refill=True)
    theirs = order_of(other, service, link="https://x.com/theirs-secret")
    page = browser.get("/orders/", {"q": str(theirs.pk)}).content.decode()
    assert "theirs-secret" not in page
    response = browser.post(f"/orders/{theirs.pk}/cancel/", follow=True)
    assert "Incorrect order ID" in response.content.decode()
    assert not CancelRequest.objects.exists()
    apply_status(order_id=theirs.pk, status=OrderStatus.COMPLETED, start_count=1, remains=0)
    response = browser.post(f"/orders/{theirs.pk}/refill/", follow=True)
    assert "Incorrect order ID" in response.content.decode()
    assert not Refill.objects.exists()


def test_cancel_is_requested_once(browser, customer):
    service = make_service(cancel=True)
    order = order_of(customer, service)
    page = browser.get("/orders/").content.decode()
    assert f"/orders/{order.pk}/cancel/" in page
    response = browser.post(f"/orders/{order.pk}/cancel/", {"next": "/orders/"}, follow=True)
    assert f"Cancel of order {order.pk} requested." in response.content.decode()
    assert CancelRequest.objects.filter(order=order).count() == 1
    assert "Cancel requested" in response.content.decode()
    response = browser.post(f"/orders/{order.pk}/cancel/", follow=True)
    assert "already requested" in response.content.decode()
    assert CancelRequest.objects.filter(order=order).count() == 1


def test_no_cancel_button_without_cancel(browser, customer):
    order = order_of(customer, make_service(cancel=False))
    assert f"/orders/{order.pk}/cancel/" not in browser.get("/orders/").content.decode()
    response = browser.post(f"/orders/{order.pk}/cancel/", follow=True)
    assert "Cancel is not available for this service" in response.content.decode()


def test_refill_of_a_completed_order_shows_in_refills(browser, customer):
    service = make_service(refill=True)
    order = order_of(customer, service)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, start_count=5, remains=0)
    assert f"/orders/{order.pk}/refill/" in browser.get("/orders/").content.decode()
    browser.post(f"/orders/{order.pk}/refill/")
    refill = Refill.objects.get(order=order)
    page = browser.get("/refills/").content.decode()
    assert f"?q={order.pk}" in page and refill.get_status_display() in page


def test_progress_of_dripfeed_and_subscription(browser, customer):
    drip = make_service(dripfeed=True, rate=Decimal("0.1"))
    order = order_of(customer, drip, runs="4", interval="10")
    apply_status(order_id=order.pk, status=OrderStatus.IN_PROGRESS, start_count=5, remains=200)
    page = browser.get("/orders/").content.decode()
    assert "Run 2 of 4 done" in page
    assert "width: 50%" in page

    subscription = make_service(type="Subscriptions", rate=Decimal("1"))
    expiry = (timezone.localdate() + timezone.timedelta(days=30)).strftime("%d/%m/%Y")
    place_order(
        account=customer,
        service=subscription,
        params={"username": "alice", "min": "100", "max": "200", "posts": "10", "expiry": expiry},
    )
    page = browser.get("/orders/").content.decode()
    assert "0 of 10 posts" in page and f"until {expiry}" in page


def test_the_list_shows_what_an_unlimited_subscription_has_been_charged(browser, customer):
    subscription = make_service(type="Subscriptions", rate=Decimal("1"), min_quantity=1)
    order = place_order(
        account=customer,
        service=subscription,
        params={"username": "alice", "min": "1", "max": "200"},
    )
    apply_status(order_id=order.pk, status="Active", details={"posts_served": 3})
    page = browser.get("/orders/")
    # Three posts of up to 200 at 1.00 per 1000.
    assert [o.charge for o in page.context["page"].object_list] == [Decimal("0.6")]
    assert "0.60" in page.content.decode()


def test_no_refill_button_once_the_refill_window_has_passed(browser, customer):
    service = make_service(refill=True, refill_days=30)
    order = order_of(customer, service)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, start_count=5, remains=0)
    Order.objects.filter(pk=order.pk).update(
        completed_at=timezone.now() - timezone.timedelta(days=31)
    )
    assert f"/orders/{order.pk}/refill/" not in browser.get("/orders/").content.decode()
    response = browser.post(f"/orders/{order.pk}/refill/", follow=True)
    assert "The refill period of this order has ended" in response.content.decode()


def test_cancel_asks_for_confirmation_before_anything_is_requested(browser, customer):
    order = order_of(customer, make_service(cancel=True, rate=Decimal("2")))
    page = browser.get("/orders/").content.decode()
    # The list's Cancel leads to a question, not straight to the request.
    assert f'action="/orders/{order.pk}/cancel/"' not in page
    response = browser.get(f"/orders/{order.pk}/cancel/", {"next": "/orders/?status=Pending"})
    assert response.status_code == 200
    confirm = response.content.decode()
    assert f"Cancel order {order.pk}?" in confirm
    assert "0.20 USD" in confirm
    assert f'action="/orders/{order.pk}/cancel/"' in confirm
    assert 'value="/orders/?status=Pending"' in confirm
    assert not CancelRequest.objects.exists()
    response = browser.post(f"/orders/{order.pk}/cancel/", {"next": "/orders/?status=Pending"})
    assert response.status_code == 302 and response["Location"] == "/orders/?status=Pending"
    assert CancelRequest.objects.filter(order=order).count() == 1


def test_the_confirmation_of_another_customers_order_is_refused(browser, customer):
    other, _ = make_account("100")
    theirs = order_of(other, make_service(cancel=True), link="https://x.com/theirs-secret")
    response = browser.get(f"/orders/{theirs.pk}/cancel/", follow=True)
    assert "Incorrect order ID" in response.content.decode()
    assert "theirs-secret" not in response.content.decode()


def test_an_open_refill_replaces_the_refill_button_with_its_state(browser, customer):
    service = make_service(refill=True)
    order = order_of(customer, service)
    apply_status(order_id=order.pk, status=OrderStatus.COMPLETED, start_count=5, remains=0)
    browser.post(f"/orders/{order.pk}/refill/")
    refill = Refill.objects.get(order=order)
    page = browser.get("/orders/").content.decode()
    assert f"/orders/{order.pk}/refill/" not in page
    assert "Refill: Pending" in page
    report_refill_status(refill_id=refill.pk, status=RefillStatus.IN_PROGRESS)
    page = browser.get("/orders/").content.decode()
    assert f"/orders/{order.pk}/refill/" not in page and "Refill: In progress" in page
    # Once it is done, the order may be refilled again within its window.
    report_refill_status(refill_id=refill.pk, status=RefillStatus.COMPLETED)
    page = browser.get("/orders/").content.decode()
    assert f"/orders/{order.pk}/refill/" in page and "Refill: Completed" in page


def test_canceled_and_partial_orders_say_what_was_refunded(browser, customer):
    service = make_service(cancel=True, rate=Decimal("3"))
    canceled = order_of(customer, service, link="https://x.com/c", quantity="1000")
    partial = order_of(customer, service, link="https://x.com/p", quantity="1000")
    completed = order_of(customer, service, link="https://x.com/d", quantity="1000")
    apply_status(order_id=canceled.pk, status=OrderStatus.CANCELED)
    apply_status(order_id=partial.pk, status=OrderStatus.PARTIAL, start_count=0, remains=250)
    apply_status(order_id=completed.pk, status=OrderStatus.COMPLETED, start_count=0, remains=0)
    page = browser.get("/orders/").content.decode()
    assert f'data-testid="refunded-{canceled.pk}">Refunded 3.00 USD<' in page
    assert f'data-testid="refunded-{partial.pk}">Refunded 0.75 USD<' in page
    assert f'data-testid="refunded-{completed.pk}"' not in page


def test_a_row_with_nothing_to_do_marks_its_actions_cell_empty(browser, customer):
    idle = order_of(customer, make_service(cancel=False), link="https://x.com/idle")
    cancelable = order_of(customer, make_service(cancel=True), link="https://x.com/busy")
    request_cancel(account=customer, order=cancelable)
    page = browser.get("/orders/").content.decode()
    rows = {
        pk: page.split(f'data-order="{pk}"')[1].split("</tr>")[0] for pk in (idle.pk, cancelable.pk)
    }
    assert 'class="no-actions"' in rows[idle.pk]
    assert 'class="no-actions"' not in rows[cancelable.pk]
    assert "Cancel requested" in rows[cancelable.pk]
