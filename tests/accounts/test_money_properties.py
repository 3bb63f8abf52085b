"""Property-based test of the money rules (hypothesis, stateful).

Random sequences of deposits, orders of every type (drip-feed included), status reports with any
remains (negative and over the quantity included), cancels, refills, retries with idempotency keys,
product orders and manual adjustments. After every step: each balance equals the sum of its
ledger and is never below zero; no order is charged or refunded more than once, no refund
exceeds its charge, and no order at a positive rate is free.
"""

import contextlib
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, Phase, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from smmpanel.accounts import ledger
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.models import Product
from smmpanel.catalog.order_types import PACKAGE_TYPES, OrderType
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import ORDER_STATUSES, SUBSCRIPTION_STATUSES, Order, ProductOrder
from smmpanel.orders.placement import place_order
from smmpanel.orders.product_orders import apply_product_status, place_product_order
from smmpanel.orders.refills import report_refill_status, request_refill
from smmpanel.orders.status import apply_status
from tests.factories import make_account, make_product, make_service

LINK = "https://instagram.com/p/abc"

# The type's own parameters; the quantity (or list length) is drawn separately.
TYPE_PARAMS: dict[str, dict[str, str]] = {
    OrderType.DEFAULT: {"link": LINK},
    OrderType.PACKAGE: {"link": LINK},
    OrderType.CUSTOM_COMMENTS: {"link": LINK},
    OrderType.CUSTOM_COMMENTS_PACKAGE: {"link": LINK, "comments": "nice\ngreat"},
    OrderType.MENTIONS_CUSTOM_LIST: {"link": LINK},
    OrderType.MENTIONS_HASHTAG: {"link": LINK, "hashtag": "smm"},
    OrderType.MENTIONS_USER_FOLLOWERS: {"link": LINK, "username": "alice"},
    OrderType.MENTIONS_MEDIA_LIKERS: {"link": LINK, "media": LINK},
    OrderType.COMMENT_LIKES: {"link": LINK, "username": "bob"},
    OrderType.POLL: {"link": LINK, "answer_number": "2"},
    OrderType.INVITES_FROM_GROUPS: {"link": LINK, "groups": "g1\ng2"},
    OrderType.SUBSCRIPTIONS: {"username": "carol", "expiry": "31/12/2099"},
    OrderType.WEB_TRAFFIC: {"link": "https://example.com/", "country": "US"},
}
LIST_FIELD = {OrderType.CUSTOM_COMMENTS: "comments", OrderType.MENTIONS_CUSTOM_LIST: "usernames"}
STATUSES = sorted(ORDER_STATUSES | SUBSCRIPTION_STATUSES)
# What the runs went through (hypothesis's events, also kept here to be shown by the test).
SEEN: Counter[str] = Counter()


def _seen(what: str) -> None:
    SEEN[what] += 1
    event(what)


amounts = st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("500"), places=5)
signed_amounts = st.decimals(min_value=Decimal("-500"), max_value=Decimal("500"), places=5)


def _order_params(order_type: str, quantity: int, runs: int | None, posts: int | None) -> dict:
    params = dict(TYPE_PARAMS[order_type])
    if order_type in LIST_FIELD:
        params[LIST_FIELD[order_type]] = "\n".join(f"item {n}" for n in range(quantity))
    elif order_type == OrderType.SUBSCRIPTIONS:
        params.update(min=str(quantity), max=str(quantity + 10))
        if posts is not None:
            params["posts"] = str(posts)
    elif order_type not in PACKAGE_TYPES:
        params["quantity"] = str(quantity)
    if runs is not None:
        params.update(runs=str(runs), interval="5")
    return params


class MoneyRules(RuleBasedStateMachine):
    orders = Bundle("orders")
    product_orders = Bundle("product_orders")

    def __init__(self) -> None:
        super().__init__()
        # Each run starts from a clean database and is rolled back at its end.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        # One customer starts with funds (most orders fit), the other with none.
        self.accounts = [make_account("2000")[0], make_account()[0]]
        self.services = {
            order_type: make_service(
                type=order_type,
                # Default's rate prices 2-9 units below 0.00001: charged the smallest amount.
                rate=Decimal("0.001") if order_type == OrderType.DEFAULT else Decimal("3.7"),
                min_quantity=1 if order_type in PACKAGE_TYPES else 2,
                max_quantity=1 if order_type in PACKAGE_TYPES else 400,
                refill=True,
                cancel=True,
                dripfeed=order_type in (OrderType.DEFAULT, OrderType.WEB_TRAFFIC),
            )
            for order_type in TYPE_PARAMS
        }
        self.products = [
            make_product(stock=5, rate=Decimal("1.25")),
            make_product(type=Product.Type.SERVICE, rate=Decimal("0.33")),
        ]

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _account(self, index: int) -> Account:
        return Account.objects.get(pk=self.accounts[index].pk)

    # --- money in and out ---------------------------------------------------------------------
    @rule(who=st.integers(0, 1), amount=amounts)
    def deposit(self, who, amount):
        ledger.deposit(account=self._account(who), amount=amount, reason="test")

    @rule(who=st.integers(0, 1), amount=signed_amounts)
    def adjust(self, who, amount):
        before = self._account(who).balance
        try:
            ledger.adjust(account=self._account(who), amount=amount, reason="correction")
        except AccountError:
            assert self._account(who).balance == before

    # --- orders -------------------------------------------------------------------------------
    @rule(
        target=orders,
        who=st.integers(0, 1),
        order_type=st.sampled_from(sorted(TYPE_PARAMS)),
        # Small quantities half the time: the ones whose charge is below the smallest amount.
        quantity=st.integers(2, 9) | st.integers(2, 400),
        runs=st.none() | st.integers(2, 5),
        posts=st.none() | st.integers(1, 4),
        key=st.none() | st.sampled_from(["k1", "k2", "k3"]),
    )
    def place(self, who, order_type, quantity, runs, posts, key):
        service = self.services[order_type]
        runs = runs if service.dripfeed else None
        params = _order_params(order_type, quantity, runs, posts)
        charges_before = LedgerEntry.objects.filter(kind="charge").count()
        known = set(Order.objects.values_list("pk", flat=True))
        try:
            order = place_order(
                account=self._account(who), service=service, params=params, idempotency_key=key
            )
        except (OrderError, AccountError) as error:
            _seen(f"order refused: {type(error).__name__}")
            assert LedgerEntry.objects.filter(kind="charge").count() == charges_before
            return multiple()
        _seen(f"order placed: {order_type}{' drip-feed' if runs else ''}")
        if order.pk in known:  # a retry: nothing new is charged
            assert key is not None
            assert LedgerEntry.objects.filter(kind="charge").count() == charges_before
        return order.pk

    @rule(
        who=st.integers(0, 1),
        order_type=st.sampled_from(sorted(TYPE_PARAMS)),
        quantity=st.sampled_from([-5, 0, 1, 401, 10**40]),
        runs=st.none() | st.integers(-1, 2000),
    )
    def place_refused(self, who, order_type, quantity, runs):
        """Out-of-range quantities and drip-feeds: refused, and nothing is written."""
        params = _order_params(order_type, 2, runs, None)
        if order_type in LIST_FIELD:
            params[LIST_FIELD[order_type]] = "\n".join("x" for _ in range(max(0, quantity) % 500))
        else:
            params["quantity"] = str(quantity)
        entries, orders = LedgerEntry.objects.count(), Order.objects.count()
        with contextlib.suppress(OrderError, AccountError):
            place_order(
                account=self._account(who), service=self.services[order_type], params=params
            )
            _seen("odd order placed")
            return
        _seen("odd order refused")
        assert (LedgerEntry.objects.count(), Order.objects.count()) == (entries, orders)

    @rule(
        order_id=orders,
        status=st.sampled_from(STATUSES),
        share=st.integers(-50, 150),
        extreme=st.sampled_from([None, None, None, -(10**6), 10**12]),
    )
    def report_status(self, order_id, status, share, extreme):
        """Remains as a share of the order (-50 % to 150 %), or an extreme value."""
        total = Order.objects.get(pk=order_id).total_quantity
        remains = extreme if extreme is not None else total * share // 100
        try:
            order = apply_status(order_id=order_id, status=status, remains=remains, start_count=10)
        except OrderError as error:
            _seen(f"status refused: {error.code}")
            return
        if order.is_final:
            over = remains > order.total_quantity
            shape = "negative" if remains < 0 else "over the quantity" if over else "in range"
            _seen(f"final {order.status}, remains {shape}")

    @rule(order_id=orders, status=st.sampled_from(STATUSES), remains=st.none())
    def report_status_without_remains(self, order_id, status, remains):
        with contextlib.suppress(OrderError):
            apply_status(order_id=order_id, status=status, remains=remains)

    @rule(order_id=orders)
    def cancel(self, order_id):
        order = Order.objects.select_related("service", "account").get(pk=order_id)
        with contextlib.suppress(OrderError):
            request_cancel(account=order.account, order=order)

    @rule(order_id=orders, outcome=st.sampled_from(["Completed", "Rejected", "Error"]))
    def refill(self, order_id, outcome):
        order = Order.objects.select_related("service", "account").get(pk=order_id)
        try:
            refill = request_refill(account=order.account, order=order)
        except OrderError:
            return
        report_refill_status(refill_id=refill.pk, status=outcome)

    # --- digital products ----------------------------------------------------------------------
    @rule(
        target=product_orders,
        who=st.integers(0, 1),
        which=st.integers(0, 1),
        quantity=st.integers(1, 4),
    )
    def buy(self, who, which, quantity):
        try:
            order = place_product_order(
                account=self._account(who), product=self.products[which], quantity=str(quantity)
            )
        except (OrderError, AccountError):
            return multiple()
        return order.pk

    @rule(
        order_id=consumes(product_orders),
        status=st.sampled_from(["Completed", "Partial", "Canceled", "In progress"]),
        remains=st.integers(-5, 10),
    )
    def settle_product(self, order_id, status, remains):
        with contextlib.suppress(OrderError):
            apply_product_status(product_order_id=order_id, status=status, remains=remains)

    # --- the rules that must always hold --------------------------------------------------------
    @invariant()
    def balances_equal_their_ledgers_and_are_never_negative(self):
        for account in Account.objects.all():
            assert account.balance >= 0
            total = ledger.ledger_total(account)
            assert total == account.balance, (account.pk, total, account.balance)

    @invariant()
    def each_order_is_charged_once_and_refunded_at_most_once_and_never_more(self):
        for kind, field in (("charge", "order"), ("refund", "order")):
            counts = (
                LedgerEntry.objects.filter(kind=kind, order__isnull=False)
                .values(field)
                .annotate(n=Count("pk"))
                .filter(n__gt=1)
            )
            assert not counts.exists()
        for model, field in ((Order, "order"), (ProductOrder, "product_order")):
            for order in model.objects.all():
                entries = LedgerEntry.objects.filter(**{field: order})
                charged = -(entries.filter(kind="charge").aggregate(s=Sum("amount"))["s"] or 0)
                refunded = entries.filter(kind="refund").aggregate(s=Sum("amount"))["s"] or 0
                assert charged == order.charge
                assert entries.filter(kind="refund").count() <= 1
                assert 0 <= refunded <= charged

    @invariant()
    def no_order_at_a_positive_rate_is_free(self):
        # An unlimited subscription (no posts) is the one order charged nothing when placed.
        for order in Order.objects.filter(service__rate__gt=0).select_related("service"):
            unlimited = order.service.type == OrderType.SUBSCRIPTIONS and not order.details.get(
                "posts"
            )
            assert unlimited or order.charge > 0, (order.pk, order.quantity, order.charge)


@pytest.mark.django_db
def test_money_rules_hold_for_any_sequence_of_operations():
    SEEN.clear()
    run_state_machine_as_test(
        MoneyRules,
        settings=settings(
            max_examples=30,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
            phases=[Phase.explicit, Phase.generate],
        ),
    )
    print("\n".join(f"{count:5d}  {what}" for what, count in sorted(SEEN.items())))
