"""Out-of-range numbers and ids posted to the back-office's forms and to a payment callback are
refused like any invalid value, never a server error (tests/security/test_hostile_params.py
crawls the GETs; these are POSTs)."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from smmpanel.catalog.models import Category, Service
from smmpanel.orders.models import Order, OrderStatus

pytestmark = pytest.mark.django_db

TOO_BIG = ("99999999999999999999", "9223372036854775808")


def post(client: Client, url: str, data: dict) -> int:
    client.raise_request_exception = False
    savepoint = transaction.savepoint()  # a failed statement aborts PostgreSQL's transaction
    try:
        return client.post(url, data).status_code
    finally:
        transaction.savepoint_rollback(savepoint)


def test_bulk_order_actions_refuse_ids_and_remains_beyond_the_database(admin_op, shop):
    url = reverse("backoffice:order_bulk")
    order = shop["orders"][0]
    for big in (*TOO_BIG, "²"):
        assert post(admin_op, url, {"order": [order.pk, big], "action": "cancel"}) < 500
        assert post(admin_op, url, {"order": order.pk, "action": "partial", "remains": big}) < 500
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING  # refused: nothing changed


def test_bulk_service_actions_refuse_ids_beyond_the_database(admin_op, shop):
    url = reverse("backoffice:service_bulk")
    service = shop["manual"]
    for big in (*TOO_BIG, "²"):
        assert post(admin_op, url, {"service": [big], "action": "disable"}) < 500
        assert post(admin_op, url, {"service": [big], "percent": "10"}) < 500
    # A real id next to them is still acted on.
    admin_op.post(url, {"service": [service.pk, TOO_BIG[0]], "action": "disable"})
    assert Service.objects.get(pk=service.pk).active is False


def test_service_form_refuses_numbers_beyond_their_columns(admin_op, shop):
    fields = {
        "name": "Likes",
        "category": "Instagram",
        "type": "Default",
        "rate": "1",
        "min_quantity": "10",
        "max_quantity": "100",
        "fulfilment": "manual",
        "refill_days": "30",
    }
    urls = [
        reverse("backoffice:service_create"),
        reverse("backoffice:service_edit", args=[shop["manual"].pk]),
    ]
    for url in urls:
        for name, big in [
            ("min_quantity", TOO_BIG[1]),
            ("max_quantity", TOO_BIG[0]),
            ("refill_days", "2147483648"),  # an integer column (PostgreSQL)
        ]:
            assert post(admin_op, url, {**fields, name: big}) == 400  # the form, with its error
        assert post(admin_op, url, fields) == 302  # the same form within range is taken
    assert not Service.objects.filter(name="Likes").exists()


def test_sandbox_callback_refuses_a_payment_id_that_is_not_a_number(settings):
    settings.PAYMENT_SANDBOX = True
    url = reverse("payments:callback", args=["sandbox"])
    for raw in ("²", *TOO_BIG):
        data = {"payment": raw, "amount": "10", "outcome": "paid", "signature": "x"}
        assert post(Client(), url, data) == 403
    assert not Order.objects.exists()


def test_a_category_name_with_a_nul_is_refused(admin_op, shop):
    """PostgreSQL refuses NUL in text: the name is invalid, as an empty one is."""
    category = shop["manual"].category
    urls = [
        reverse("backoffice:category_rename", args=[category.pk]),
        reverse("backoffice:category_create"),
    ]
    for url in urls:
        assert post(admin_op, url, {"name": "Tik\x00Tok"}) == 302
    category.refresh_from_db()
    assert category.name == "Instagram"
    assert not Category.objects.filter(name__startswith="Tik").exists()
