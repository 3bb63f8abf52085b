"""Mass order: line by line, or all or nothing, which must charge nothing when a line fails."""

from decimal import Decimal

from smmpanel.accounts.ledger import ledger_total
from smmpanel.orders.models import Order
from tests.factories import make_service


def post(browser, text: str, mode: str):
    return browser.post("/mass-order/", {"orders": text, "mode": mode})


def test_line_by_line_places_the_good_lines(browser, customer):
    service = make_service(rate=Decimal("1"))
    text = (
        f"{service.pk} | https://x.com/a | 100\n"
        f"{service.pk} | not a link | 100\n"
        "\n"
        f"999999 | https://x.com/b | 100\n"
        f"{service.pk} | https://x.com/c | 200\n"
        "just garbage"
    )
    response = post(browser, text, "each")
    results = response.context["results"]
    assert [bool(line.order) for line in results] == [True, False, False, True, False]
    assert results[1].error == "Incorrect link"
    assert results[2].error == "Incorrect service ID"
    assert results[4].error.startswith("Write each line as")
    assert Order.objects.count() == 2
    customer.refresh_from_db()
    assert customer.balance == Decimal("100") - Decimal("0.3")
    assert "2 orders placed" in response.content.decode()


def test_all_or_nothing_places_nothing_when_a_line_is_refused(browser, customer):
    service = make_service(rate=Decimal("1"))
    text = f"{service.pk} | https://x.com/a | 100\n{service.pk} | https://x.com/b | 1"
    response = post(browser, text, "all")
    results = response.context["results"]
    assert results[1].error == "Quantity less than minimal 50"
    assert results[0].error == "Not placed: another line was refused"
    assert not Order.objects.exists()
    customer.refresh_from_db()
    assert customer.balance == Decimal("100")


def test_all_or_nothing_rolls_back_when_the_money_runs_out_midway(browser, customer):
    # Each line is valid alone; together they cost more than the balance of 100.
    service = make_service(rate=Decimal("40"), max_quantity=100000)
    text = "\n".join(f"{service.pk} | https://x.com/{n} | 1000" for n in range(3))
    response = post(browser, text, "all")
    results = response.context["results"]
    assert results[2].error == "Not enough funds on balance"
    assert all(line.order is None for line in results)
    assert not Order.objects.exists()
    customer.refresh_from_db()
    assert customer.balance == Decimal("100") == ledger_total(customer)


def test_all_or_nothing_places_everything_when_all_lines_pass(browser, customer):
    service = make_service(rate=Decimal("1"))
    text = "\n".join(f"{service.pk} | https://x.com/{n} | 100" for n in range(3))
    response = post(browser, text, "all")
    assert all(line.order for line in response.context["results"])
    assert Order.objects.count() == 3
    customer.refresh_from_db()
    assert customer.balance == Decimal("99.7") == ledger_total(customer)


def test_too_many_or_no_lines(browser, customer):
    assert "Write at least one line" in post(browser, "\n\n", "all").content.decode()
    text = "1 | https://x.com/a | 100\n" * 501
    assert "At most 500 lines" in post(browser, text, "each").content.decode()
    assert not Order.objects.exists()


def test_after_placing_only_the_refused_lines_stay_in_the_text_area(browser, customer):
    service = make_service(rate=Decimal("1"))
    text = (
        f"{service.pk} | https://x.com/a | 100\n"
        f"{service.pk} | not a link | 100\n"
        f"{service.pk} | https://x.com/c | 200"
    )
    response = post(browser, text, "each")
    assert response.context["text"] == f"{service.pk} | not a link | 100"
    assert f">{service.pk} | not a link | 100</textarea>" in response.content.decode()
    # Pressing the button again with what the page now holds places nothing twice.
    post(browser, response.context["text"], "each")
    assert Order.objects.count() == 2
    everything = post(browser, f"{service.pk} | https://x.com/d | 100", "each")
    assert everything.context["text"] == ""


def test_all_or_nothing_keeps_every_line_when_nothing_was_placed(browser, customer):
    service = make_service(rate=Decimal("1"))
    text = f"{service.pk} | https://x.com/a | 100\n{service.pk} | https://x.com/b | 1"
    response = post(browser, text, "all")
    assert response.context["text"] == text
    assert not Order.objects.exists()


def test_lines_at_a_tiny_rate_each_cost_the_smallest_amount(browser, customer):
    # 0.001 per 1000 × 1: 0.000001, rounded up (not to a free order).
    service = make_service(rate=Decimal("0.001"), min_quantity=1)
    text = f"{service.pk} | https://x.com/a | 1\n{service.pk} | https://x.com/b | 4"
    response = post(browser, text, "all")
    assert [line.order.charge for line in response.context["results"]] == [
        Decimal("0.00001"),
        Decimal("0.00001"),
    ]
    customer.refresh_from_db()
    assert customer.balance == Decimal("99.99998") == ledger_total(customer)
