"""Bonus tiers and coupons are set in the back-office (admin role), through the domain."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smmpanel.audit.models import AuditEntry
from smmpanel.payments.models import Coupon, DepositBonus

pytestmark = pytest.mark.django_db


def test_an_admin_adds_and_removes_a_tier_and_creates_and_withdraws_a_coupon(admin_op):
    assert admin_op.get(reverse("backoffice:promotions")).status_code == 200
    tier = {"min_amount": "100", "percent": "5"}
    assert admin_op.post(reverse("backoffice:bonus_create"), tier).status_code == 302
    bonus = DepositBonus.objects.get()
    assert (bonus.min_amount, bonus.percent, bonus.method) == (100, 5, None)
    coupon = {"code": "spring", "percent": "10", "uses": "50", "expires": "2030-03-31"}
    assert admin_op.post(reverse("backoffice:coupon_create"), coupon).status_code == 302
    made = Coupon.objects.get()
    assert (made.code, made.percent, made.uses) == ("SPRING", Decimal(10), 50)
    admin_op.post(reverse("backoffice:coupon_toggle", args=[made.pk]))
    admin_op.post(reverse("backoffice:bonus_delete", args=[bonus.pk]))
    made.refresh_from_db()
    assert not made.active and not DepositBonus.objects.exists()
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["bonus.create", "coupon.create", "coupon.disable", "bonus.delete"]


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("backoffice:bonus_create", {"min_amount": "0", "percent": "5"}),
        ("backoffice:bonus_create", {"min_amount": "10", "percent": "150"}),
        ("backoffice:coupon_create", {"code": "BOTH", "amount": "1", "percent": "5"}),
        ("backoffice:coupon_create", {"code": "NEITHER"}),
        ("backoffice:coupon_create", {"code": "sp ace", "amount": "1"}),
    ],
)
def test_bad_terms_are_refused_on_the_page_and_nothing_is_written(admin_op, url, form):
    response = admin_op.post(reverse(url), form)
    assert response.status_code == 400
    assert not DepositBonus.objects.exists() and not Coupon.objects.exists()


def test_support_may_not_set_promotions(support_op):
    assert support_op.get(reverse("backoffice:promotions")).status_code == 403
    form = {"code": "FREE", "amount": "100"}
    assert support_op.post(reverse("backoffice:coupon_create"), form).status_code == 403
    assert not Coupon.objects.exists()
