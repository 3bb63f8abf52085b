"""The audit log shows what an action changed, field by field: before → after."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from smmpanel.audit.log import Actor, Change, changes, record

pytestmark = pytest.mark.django_db


def test_only_the_fields_that_changed_are_listed():
    before = {"name": "Likes", "rate": "0.90000", "active": True, "note": ""}
    after = {"name": "Likes", "rate": "1.20000", "active": False, "note": "raised"}
    assert changes(before, after) == [
        Change("rate", "0.90000", "1.20000"),
        Change("active", "True", "False"),
        Change("note", "“”", "raised"),
    ]
    assert changes(None, {"name": "New"}) == [Change("name", "", "New")]
    assert changes({"max_amount": "500"}, {"max_amount": None}) == [
        Change("max_amount", "500", "—")
    ]
    assert changes({"sort_order": 10}, {"sort_order": 10}) == []


def test_the_page_shows_field_before_and_after_not_raw_dicts(admin_op):
    operator = get_user_model().objects.get(username="alice")
    record(
        Actor.of_user(operator),
        "service.edit",
        object_type="catalog.service",
        object_id=7,
        before={"name": "Likes", "rate": "0.90000"},
        after={"name": "Likes", "rate": "1.20000"},
    )
    record(
        Actor.of_user(operator),
        "order.status",
        object_type="orders.order",
        object_id=8,
        before={"status": "Pending"},
        after={"status": "Canceled"},
    )
    page = admin_op.get(reverse("backoffice:audit")).content.decode()
    # The model's name of the field, and a status by its label.
    rate = '<span class="field">rate per 1000</span>: <del>0.90000</del> → <ins>1.20000</ins>'
    assert rate in page
    assert "{&#x27;" not in page and "{'" not in page  # no dict printed as Python
    assert ">name<" not in page  # unchanged fields are not listed
    page = admin_op.get(reverse("backoffice:audit"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<span class="field">giá mỗi 1000</span>' in page
    assert "<del>Đang chờ</del> → <ins>Đã hủy</ins>" in page
