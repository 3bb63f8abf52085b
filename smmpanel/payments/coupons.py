"""Coupons: a code worth an amount (credited when the customer redeems it) or a percent of the
next deposit (credited with it), N uses in all, once per customer, until it expires.

"Once per customer" and "N in all" are database constraints (coupon_once_per_customer,
coupon_used_within_uses), and a redemption locks the coupon's row: two customers racing for the
last use, or one customer's two tabs, get one redemption.
"""

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record, snapshot
from smmpanel.money import MAX_AMOUNT, quantize
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.models import Coupon, CouponRedemption, Payment

FIELDS = ("code", "amount", "percent", "uses", "used", "expires_at", "active")
CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def normal_code(code: str) -> str:
    """A coupon code as stored: upper case, no spaces around; PaymentError when it can't be."""
    code = (code or "").strip().upper()
    if not 3 <= len(code) <= 32 or not set(code) <= CODE_CHARACTERS:
        raise PaymentError(PaymentErrorCode.INVALID_COUPON_CODE)
    return code


def create_coupon(
    *,
    code: str,
    acting_user: Actor,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    uses: int | None = None,
    expires_at: datetime | None = None,
) -> Coupon:
    """Create a coupon worth `amount` or `percent` (exactly one), audited "coupon.create".
    PaymentError, and nothing written, for a taken or malformed code or bad terms."""
    code = normal_code(code)
    if (amount is None) == (percent is None):
        raise PaymentError(PaymentErrorCode.INVALID_COUPON)
    if amount is not None and not (amount.is_finite() and 0 < amount < MAX_AMOUNT):
        raise PaymentError(PaymentErrorCode.INVALID_COUPON)
    if percent is not None and not (percent.is_finite() and 0 < percent <= 100):
        raise PaymentError(PaymentErrorCode.INVALID_COUPON)
    if uses is not None and uses < 1:
        raise PaymentError(PaymentErrorCode.INVALID_COUPON)
    try:
        with transaction.atomic():
            coupon = Coupon.objects.create(
                code=code,
                amount=quantize(amount) if amount is not None else None,
                percent=percent,
                uses=uses,
                expires_at=expires_at,
            )
            record(acting_user, "coupon.create", obj=coupon, after=snapshot(coupon, FIELDS))
    except IntegrityError:
        raise PaymentError(PaymentErrorCode.COUPON_TAKEN, coupon=code) from None
    return coupon


def set_coupon_active(*, coupon_id: int, active: bool, acting_user: Actor) -> bool:
    """Offer a coupon or withdraw it ("coupon.enable"/".disable"); False when it already was."""
    with transaction.atomic():
        coupon = Coupon.objects.select_for_update().get(pk=coupon_id)
        if coupon.active == active:
            return False
        coupon.active = active
        coupon.save(update_fields=["active"])
        record(
            acting_user,
            "coupon.enable" if active else "coupon.disable",
            obj=coupon,
            before={"active": not active},
            after={"active": active},
        )
    return True


def usable(code: str, account: Account, *, percent: bool) -> Coupon:
    """The coupon this customer may use now (of the kind asked: a percent one with a payment,
    an amount one on its own); PaymentError(COUPON_UNAVAILABLE) otherwise, one answer for
    unknown, expired, used up, already used by them and of the other kind alike."""
    try:
        code = normal_code(code)
    except PaymentError:
        raise PaymentError(PaymentErrorCode.COUPON_UNAVAILABLE) from None
    coupon = Coupon.objects.filter(code=code, active=True).first()
    if (
        coupon is None
        or (coupon.percent is not None) != percent
        or (coupon.expires_at is not None and coupon.expires_at <= timezone.now())
        or (coupon.uses is not None and coupon.used >= coupon.uses)
        or coupon.redemptions.filter(account=account).exists()
    ):
        raise PaymentError(PaymentErrorCode.COUPON_UNAVAILABLE)
    return coupon


def _redeem(coupon_id: int, account: Account, amount: Decimal, payment: Payment | None) -> None:
    """Inside the caller's transaction: take one use (locked), credit `amount` as a bonus."""
    coupon = Coupon.objects.select_for_update().get(pk=coupon_id)
    if coupon.uses is not None and coupon.used >= coupon.uses:
        raise PaymentError(PaymentErrorCode.COUPON_UNAVAILABLE)
    entry = ledger.bonus(account=account, amount=amount, reason=f"Coupon {coupon.code}")
    try:
        with transaction.atomic():
            CouponRedemption.objects.create(
                coupon=coupon, account=account, payment=payment, ledger_entry=entry
            )
    except IntegrityError:
        raise PaymentError(PaymentErrorCode.COUPON_UNAVAILABLE) from None
    coupon.used += 1
    coupon.save(update_fields=["used"])


def redeem_coupon(*, code: str, account: Account) -> Decimal:
    """The customer redeems an amount coupon: its amount credited once (a ledger bonus entry),
    one use taken. PaymentError(COUPON_UNAVAILABLE), nothing written, when it can't be."""
    coupon = usable(code, account, percent=False)
    assert coupon.amount is not None
    with transaction.atomic():
        _redeem(coupon.pk, account, coupon.amount, None)
    return coupon.amount


def redeem_with_payment(payment: Payment) -> Decimal:
    """Inside the credit of `payment`: its coupon's percent of the deposit as a bonus, once.
    A coupon used up or withdrawn since the payment was made gives nothing (0), and the
    deposit itself goes on."""
    coupon = payment.coupon
    if coupon is None or coupon.percent is None:
        return Decimal(0)
    amount = quantize(payment.amount * coupon.percent / 100)
    if amount <= 0 or not coupon.active:
        return Decimal(0)
    try:
        with transaction.atomic():
            _redeem(coupon.pk, Account(pk=payment.account_id), amount, payment)
    except PaymentError:
        return Decimal(0)
    return amount
