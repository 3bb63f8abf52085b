from decimal import Decimal

import pytest

from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.catalog.order_types import OrderType
from smmpanel.configuration.operations import update_settings
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.orders.placement import place_order, service_for_order
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db

LINK = "https://instagram.com/someone"


def _refused(account, service, params) -> OrderErrorCode:
    before = (Order.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(OrderError) as raised:
        place_order(account=account, service=service, params=params)
    account.refresh_from_db()
    assert (Order.objects.count(), LedgerEntry.objects.count()) == before
    return raised.value.code


def test_order_debits_rate_times_quantity_in_the_same_transaction():
    account, _ = make_account("10")
    service = make_service(rate=Decimal("0.27819"), min_quantity=10, max_quantity=5000)
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "1000"})
    account.refresh_from_db()
    assert order.charge == Decimal("0.27819")
    assert order.status == OrderStatus.PENDING and order.remains == 1000
    assert account.balance == Decimal("9.72181")
    charge = LedgerEntry.objects.get(order=order)
    assert (charge.kind, charge.amount, charge.balance_after) == (
        "charge",
        Decimal("-0.27819"),
        Decimal("9.72181"),
    )


def test_order_that_does_not_fit_the_balance_leaves_no_trace():
    account, _ = make_account("0.08")
    service = make_service(rate=Decimal("0.90"))
    with pytest.raises(AccountError):
        place_order(account=account, service=service, params={"link": LINK, "quantity": "100"})
    assert not Order.objects.exists()
    account.refresh_from_db()
    assert account.balance == Decimal("0.08")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"link": "", "quantity": "100"}, OrderErrorCode.INCORRECT_LINK),
        ({"link": "not a link", "quantity": "100"}, OrderErrorCode.INCORRECT_LINK),
        ({"link": "ftp://x.com/a", "quantity": "100"}, OrderErrorCode.INCORRECT_LINK),
        ({"link": "https://x.com/" + "a" * 2000, "quantity": "100"}, OrderErrorCode.INCORRECT_LINK),
        ({"link": LINK}, OrderErrorCode.MISSING_FIELD),
        ({"link": LINK, "quantity": "1e3"}, OrderErrorCode.INCORRECT_QUANTITY),
        ({"link": LINK, "quantity": "12.5"}, OrderErrorCode.INCORRECT_QUANTITY),
        ({"link": LINK, "quantity": "abc"}, OrderErrorCode.INCORRECT_QUANTITY),
        ({"link": LINK, "quantity": "49"}, OrderErrorCode.QUANTITY_TOO_SMALL),
        ({"link": LINK, "quantity": "0"}, OrderErrorCode.QUANTITY_TOO_SMALL),
        ({"link": LINK, "quantity": "-100"}, OrderErrorCode.QUANTITY_TOO_SMALL),
        ({"link": LINK, "quantity": "10001"}, OrderErrorCode.QUANTITY_TOO_LARGE),
        ({"link": LINK, "quantity": "9" * 40}, OrderErrorCode.QUANTITY_TOO_LARGE),
        (
            {"link": LINK, "quantity": "100", "runs": "3", "interval": "10"},
            OrderErrorCode.DRIPFEED_NOT_AVAILABLE,
        ),
    ],
)
def test_bad_order_requests_are_refused_with_their_code_and_change_nothing(params, code):
    account, _ = make_account("100")
    service = make_service(min_quantity=50, max_quantity=10000)
    assert _refused(account, service, params) == code


def test_quantity_written_with_a_zero_fraction_is_accepted():
    account, _ = make_account("100")
    order = place_order(
        account=account, service=make_service(), params={"link": LINK, "quantity": "100.0"}
    )
    assert order.quantity == 100


def test_quantity_limits_name_the_bounds():
    service = make_service(min_quantity=50, max_quantity=10000)
    account, _ = make_account("100")
    with pytest.raises(OrderError) as small:
        place_order(account=account, service=service, params={"link": LINK, "quantity": "1"})
    assert small.value.message == "Quantity less than minimal 50"
    with pytest.raises(OrderError) as large:
        place_order(account=account, service=service, params={"link": LINK, "quantity": "10001"})
    assert large.value.message == "Quantity more than maximal 10000"


def test_drip_feed_charges_quantity_times_runs():
    account, _ = make_account("100")
    service = make_service(rate=Decimal("1"), dripfeed=True)
    order = place_order(
        account=account,
        service=service,
        params={"link": LINK, "quantity": "100", "runs": "5", "interval": "30"},
    )
    assert (order.runs, order.interval, order.charge, order.remains) == (5, 30, Decimal("0.5"), 500)
    for runs, interval, code in [
        ("1", "30", OrderErrorCode.INCORRECT_RUNS),
        ("x", "30", OrderErrorCode.INCORRECT_RUNS),
        ("5", "", OrderErrorCode.INCORRECT_INTERVAL),
        ("5", "-1", OrderErrorCode.INCORRECT_INTERVAL),
    ]:
        params = {"link": LINK, "quantity": "100", "runs": runs, "interval": interval}
        assert _refused(account, service, params) == code


def test_custom_comments_count_their_lines_and_keep_utf8_exactly():
    account, _ = make_account("100")
    service = make_service(type=OrderType.CUSTOM_COMMENTS, rate=Decimal("8"), min_quantity=1)
    comments = "Nice 👍\r\n\r\nĐẹp quá!\nKeren banget 🔥\n"
    order = place_order(
        account=account, service=service, params={"link": LINK, "comments": comments}
    )
    assert order.quantity == 3
    assert order.details["comments"] == "Nice 👍\nĐẹp quá!\nKeren banget 🔥"
    assert order.charge == Decimal("0.024")
    assert _refused(account, service, {"link": LINK, "comments": " \n "}) == (
        OrderErrorCode.MISSING_FIELD
    )


def test_package_costs_its_rate_whatever_quantity_is_sent():
    account, _ = make_account("100")
    service = make_service(
        type=OrderType.PACKAGE, rate=Decimal("12"), min_quantity=1, max_quantity=1
    )
    order = place_order(account=account, service=service, params={"link": LINK, "quantity": "500"})
    assert (order.quantity, order.charge) == (1, Decimal("12"))


@pytest.mark.parametrize(
    ("order_type", "params", "details"),
    [
        (OrderType.MENTIONS_HASHTAG, {"quantity": "100", "hashtag": "#smm"}, {"hashtag": "#smm"}),
        (
            OrderType.MENTIONS_USER_FOLLOWERS,
            {"quantity": "100", "username": "bob"},
            {"username": "bob"},
        ),
        (
            OrderType.MENTIONS_MEDIA_LIKERS,
            {"quantity": "100", "media": "https://instagram.com/p/1"},
            {"media": "https://instagram.com/p/1"},
        ),
        (OrderType.COMMENT_LIKES, {"quantity": "100", "username": "ann"}, {"username": "ann"}),
        (OrderType.POLL, {"quantity": "100", "answer_number": "2"}, {"answer_number": 2}),
        (
            OrderType.INVITES_FROM_GROUPS,
            {"quantity": "100", "groups": "g1\ng2"},
            {"groups": "g1\ng2"},
        ),
        (
            OrderType.WEB_TRAFFIC,
            {
                "quantity": "100",
                "country": "US",
                "device": "5",
                "type_of_traffic": "1",
                "google_keyword": "smm panel",
            },
            {"country": "US", "device": 5, "type_of_traffic": 1, "google_keyword": "smm panel"},
        ),
    ],
)
def test_each_type_keeps_its_own_fields(order_type, params, details):
    account, _ = make_account("100")
    service = make_service(type=order_type, min_quantity=1)
    order = place_order(account=account, service=service, params={"link": LINK, **params})
    assert order.details == details
    missing = {name: value for name, value in params.items() if name == "quantity"}
    if order_type != OrderType.WEB_TRAFFIC:  # its own fields are all optional
        assert _refused(account, service, {"link": LINK, **missing}) == OrderErrorCode.MISSING_FIELD


def test_type_fields_are_checked():
    account, _ = make_account("100")
    poll = make_service(type=OrderType.POLL, min_quantity=1)
    bad = {"link": LINK, "quantity": "100", "answer_number": "two"}
    assert _refused(account, poll, bad) == OrderErrorCode.INVALID_FIELD
    traffic = make_service(type=OrderType.WEB_TRAFFIC, min_quantity=1)
    bad = {"link": LINK, "quantity": "100", "device": "9"}
    assert _refused(account, traffic, bad) == OrderErrorCode.INVALID_FIELD


def test_subscription_pays_for_its_posts_up_front():
    account, _ = make_account("100")
    service = make_service(
        type=OrderType.SUBSCRIPTIONS, rate=Decimal("1"), min_quantity=50, max_quantity=5000
    )
    params = {
        "username": "star",
        "min": "100",
        "max": "200",
        "posts": "10",
        "delay": "30",
        "expiry": "31/12/2099",
    }
    order = place_order(account=account, service=service, params=params)
    assert order.charge == Decimal("2")  # 200 × 10 posts / 1000
    assert order.link == "star"
    assert order.details["delay"] == 30 and order.details["expiry"] == "31/12/2099"
    for name, value in [
        ("delay", "7"),
        ("expiry", "01/01/2000"),
        ("expiry", "2099-12-31"),
        ("min", "300"),
        ("max", "9000"),
    ]:
        code = _refused(account, service, {**params, name: value})
        assert code in (OrderErrorCode.INVALID_FIELD, OrderErrorCode.QUANTITY_TOO_LARGE)


def test_unknown_or_disabled_services_are_refused():
    service = make_service()
    for raw in ("999999", "abc", "", None, "-1", "9" * 30):
        with pytest.raises(OrderError) as raised:
            service_for_order(raw)
        assert raised.value.code == OrderErrorCode.INCORRECT_SERVICE
    service.active = False
    service.save()
    with pytest.raises(OrderError) as raised:
        service_for_order(str(service.pk))
    assert raised.value.code == OrderErrorCode.SERVICE_DISABLED


def test_duplicate_link_rule_refuses_a_second_active_order(settings):
    settings.REFUSE_DUPLICATE_LINK = True
    account, _ = make_account("100")
    service = make_service()
    place_order(account=account, service=service, params={"link": LINK, "quantity": "100"})
    code = _refused(account, service, {"link": LINK, "quantity": "100"})
    assert code == OrderErrorCode.DUPLICATE_LINK
    settings.REFUSE_DUPLICATE_LINK = False
    place_order(account=account, service=service, params={"link": LINK, "quantity": "100"})


def test_duplicate_link_rule_covers_the_orders_placed_while_it_was_off(settings):
    settings.REFUSE_DUPLICATE_LINK = False
    account, _ = make_account("100")
    service = make_service()
    before = place_order(account=account, service=service, params={"link": LINK, "quantity": "100"})
    finished = place_order(
        account=account, service=service, params={"link": LINK + "/done", "quantity": "100"}
    )
    apply_status(order_id=finished.pk, status=OrderStatus.COMPLETED, remains=0)
    # While the rule is off, no order is marked (none enters the rule's index).
    assert not Order.objects.filter(link_guarded=True).exists()

    settings.REFUSE_DUPLICATE_LINK = True
    assert _refused(account, service, {"link": LINK, "quantity": "100"}) == (
        OrderErrorCode.DUPLICATE_LINK
    )
    before.refresh_from_db()
    assert before.link_guarded
    # A finished order neither blocks its link nor gets marked.
    place_order(
        account=account, service=service, params={"link": LINK + "/done", "quantity": "100"}
    )
    finished.refresh_from_db()
    assert not finished.link_guarded


@pytest.mark.django_db(transaction=True)
def test_duplicate_link_rule_covers_orders_placed_before_the_operator_turned_it_on():
    account, _ = make_account("100")
    service = make_service()
    place_order(account=account, service=service, params={"link": LINK, "quantity": "100"})
    # Another server process, still on its reading of the settings (rule off), places an order
    # for another link; then the operator turns the rule on.
    late = Order.objects.create(
        account=account, service=service, link=LINK + "/late", quantity=100, charge=Decimal(0)
    )
    assert not late.link_guarded
    update_settings(acting_user=Actor.system(), refuse_duplicate_link=True)
    code = _refused(account, service, {"link": LINK + "/late", "quantity": "100"})
    assert code == OrderErrorCode.DUPLICATE_LINK
    late.refresh_from_db()
    assert late.link_guarded
    # The order placed by this process before the change is covered too.
    assert _refused(account, service, {"link": LINK, "quantity": "100"}) == (
        OrderErrorCode.DUPLICATE_LINK
    )
