"""Deposit bonuses and coupons: each a ledger bonus entry given once, taken back with a
chargeback, never counted as a deposit."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smmpanel.accounts.ledger import audit
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.payments.bonuses import save_bonus
from smmpanel.payments.coupons import create_coupon, redeem_coupon
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import GatewayState, Report
from smmpanel.payments.models import CouponRedemption, PaymentEvent, PaymentMethod
from smmpanel.payments.operations import approve_payment, create_payment
from smmpanel.payments.settlement import settle
from tests.factories import make_account

OPERATOR = Actor(name="olga")


@pytest.fixture
def bank(db) -> PaymentMethod:
    return PaymentMethod.objects.create(name="Bank", gateway="manual")


def pay(method: PaymentMethod, amount: str, account: Account | None = None, **extra):
    account = account or make_account()[0]
    payment = create_payment(
        account=account, method=method, amount=Decimal(amount), reference="T", **extra
    )
    return approve_payment(payment_id=payment.pk, acting_user=OPERATOR)


def kinds(account_id: int) -> list[tuple[str, Decimal]]:
    entries = LedgerEntry.objects.filter(account_id=account_id).order_by("pk")
    return [(entry.kind, entry.amount) for entry in entries]


def test_the_highest_tier_reached_gives_its_bonus_once(bank):
    save_bonus(bonus_id=None, min_amount=Decimal(100), percent=Decimal(5), acting_user=OPERATOR)
    save_bonus(bonus_id=None, min_amount=Decimal(500), percent=Decimal(10), acting_user=OPERATOR)
    other = PaymentMethod.objects.create(name="Card", gateway="manual")
    save_bonus(
        bonus_id=None,
        min_amount=Decimal(10),
        percent=Decimal(50),
        method_id=other.pk,
        acting_user=OPERATOR,
    )
    small, large = pay(bank, "99"), pay(bank, "600")
    assert kinds(small.account_id) == [("deposit", Decimal("99"))]
    assert kinds(large.account_id) == [("deposit", Decimal("600")), ("bonus", Decimal("60"))]
    assert large.bonus_entry.kind == "bonus"
    assert {entry.action for entry in AuditEntry.objects.filter(action__startswith="bonus")} == {
        "bonus.create"
    }
    assert audit() == []


def test_a_gateways_paid_gives_the_bonus_and_a_replay_gives_nothing_more(db, settings):
    settings.PAYMENT_SANDBOX = True
    card = PaymentMethod.objects.create(name="Card", gateway="sandbox")
    save_bonus(bonus_id=None, min_amount=Decimal(10), percent=Decimal(10), acting_user=OPERATOR)
    payment = create_payment(account=make_account()[0], method=card, amount=Decimal("20"))
    paid = Report(
        state=GatewayState.PAID,
        payment_id=payment.pk,
        amount=payment.gateway_amount,
        currency=payment.currency,
    )
    for _ in range(2):
        settle(
            gateway="sandbox",
            report=paid,
            acting_user=Actor(name="gateway:sandbox"),
            source=PaymentEvent.Kind.NOTIFICATION,
        )
    assert kinds(payment.account_id) == [("deposit", Decimal("20")), ("bonus", Decimal("2"))]
    refunded = Report(**{**paid.__dict__, "state": GatewayState.REFUNDED})
    settle(
        gateway="sandbox",
        report=refunded,
        acting_user=Actor(name="gateway:sandbox"),
        source=PaymentEvent.Kind.NOTIFICATION,
    )
    account = Account.objects.get(pk=payment.account_id)
    assert account.balance == 0  # the chargeback took the bonus back with the deposit
    assert account.status == Account.Status.ACTIVE
    assert audit() == []


def test_a_percent_coupon_rides_on_a_deposit_once_per_customer(bank):
    coupon = create_coupon(code="boost10", percent=Decimal(10), acting_user=OPERATOR)
    assert coupon.code == "BOOST10"
    account, _ = make_account()
    payment = pay(bank, "50", account, coupon_code=" boost10 ")
    assert kinds(account.pk) == [("deposit", Decimal("50")), ("bonus", Decimal("5"))]
    assert CouponRedemption.objects.get().payment == payment
    with pytest.raises(PaymentError) as refused:
        pay(bank, "50", account, coupon_code="BOOST10")
    assert refused.value.code == PaymentErrorCode.COUPON_UNAVAILABLE


def test_an_amount_coupon_is_redeemed_once_and_not_as_a_deposit_coupon(bank):
    create_coupon(code="WELCOME", amount=Decimal("2.5"), uses=10, acting_user=OPERATOR)
    account, _ = make_account()
    assert redeem_coupon(code="welcome", account=account) == Decimal("2.5")
    for attempt in ("WELCOME", "NOPE", ""):
        with pytest.raises(PaymentError) as refused:
            redeem_coupon(code=attempt, account=account)
        assert refused.value.code == PaymentErrorCode.COUPON_UNAVAILABLE
    with pytest.raises(PaymentError):
        pay(bank, "50", coupon_code="WELCOME")  # worth an amount, not a share of a deposit
    assert kinds(account.pk) == [("bonus", Decimal("2.5"))]


def test_an_expired_or_used_up_coupon_gives_nothing(bank):
    expired = create_coupon(
        code="OLD",
        amount=Decimal(1),
        expires_at=timezone.now() - timedelta(seconds=1),
        acting_user=OPERATOR,
    )
    create_coupon(code="ONCE", amount=Decimal(1), uses=1, acting_user=OPERATOR)
    redeem_coupon(code="ONCE", account=make_account()[0])
    for code in (expired.code, "ONCE"):
        with pytest.raises(PaymentError):
            redeem_coupon(code=code, account=make_account()[0])


@pytest.mark.parametrize(
    "terms",
    [
        {"code": "X", "amount": Decimal(1)},
        {"code": "TWO", "amount": Decimal(1), "percent": Decimal(5)},
        {"code": "NONE"},
        {"code": "PCT", "percent": Decimal(101)},
        {"code": "USES", "amount": Decimal(1), "uses": 0},
    ],
)
def test_a_coupon_with_bad_terms_is_refused_and_nothing_is_written(db, terms):
    with pytest.raises(PaymentError):
        create_coupon(acting_user=OPERATOR, **terms)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_customers_racing_for_the_last_uses_get_exactly_that_many():
    create_coupon(code="RACE", amount=Decimal(1), uses=3, acting_user=OPERATOR)
    accounts = [make_account()[0] for _ in range(10)]

    def redeem(account: Account) -> bool:
        try:
            return bool(redeem_coupon(code="RACE", account=account))
        except PaymentError:
            return False
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(redeem, accounts))
    assert outcomes.count(True) == 3
    assert CouponRedemption.objects.count() == 3
    assert audit() == []


def test_the_funds_page_redeems_a_coupon_and_takes_one_with_a_payment(bank):
    create_coupon(code="GIFT", amount=Decimal(3), acting_user=OPERATOR)
    create_coupon(code="PLUS5", percent=Decimal(5), acting_user=OPERATOR)
    account, _ = make_account()
    customer = Client()
    customer.force_login(account.user)
    url = reverse("panel:funds")
    assert customer.post(url, {"redeem": "1", "code": "gift"}).status_code == 302
    again = customer.post(url, {"redeem": "1", "code": "gift"})
    assert again.status_code == 200 and "This coupon can not be used" in again.content.decode()
    form = {"method": bank.pk, "amount": "40", "reference": "TX", "coupon": "PLUS5"}
    assert customer.post(url, form).status_code == 302
    payment = account.payments.get()
    approve_payment(payment_id=payment.pk, acting_user=OPERATOR)
    assert kinds(account.pk) == [
        ("bonus", Decimal(3)),
        ("deposit", Decimal(40)),
        ("bonus", Decimal(2)),
    ]


def test_the_funds_page_shows_each_methods_bonus_tiers_before_paying(bank):
    card = PaymentMethod.objects.create(name="Card", gateway="manual")
    save_bonus(bonus_id=None, min_amount=Decimal(100), percent=Decimal(5), acting_user=OPERATOR)
    save_bonus(
        bonus_id=None,
        min_amount=Decimal(50),
        percent=Decimal("7.5"),
        method_id=card.pk,
        acting_user=OPERATOR,
    )
    customer = Client()
    customer.force_login(make_account()[0].user)
    page = customer.get(reverse("panel:funds")).content.decode()
    bank_part, card_part = page.split("<h2>Card</h2>")
    assert "+5 % from 100.00 USD" in bank_part and "7.5" not in bank_part
    assert "+7.5 % from 50.00 USD" in card_part
