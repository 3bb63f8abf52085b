"""Services and categories from the back-office: every change checked and audited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.models import Category, Service
from smmpanel.catalog.operations import change_rates_by_percent
from tests.factories import make_service

pytestmark = pytest.mark.django_db

NEW_SERVICE = {
    "name": "TikTok Likes 🔥",
    "category": "TikTok",
    "type": "Default",
    "rate": "1.25",
    "min_quantity": "10",
    "max_quantity": "5000",
    "fulfilment": "manual",
    "refill_days": "30",
    "active": "on",
}


def test_create_edit_and_disable_a_service_each_audited(admin_op):
    response = admin_op.post(reverse("backoffice:service_create"), NEW_SERVICE)
    assert response.status_code == 302
    service = Service.objects.get(name="TikTok Likes 🔥")
    assert service.category.name == "TikTok" and service.rate == Decimal("1.25")
    edited = {**NEW_SERVICE, "rate": "1.5", "max_quantity": "8000", "active": ""}
    response = admin_op.post(reverse("backoffice:service_edit", args=[service.pk]), edited)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.rate == Decimal("1.5") and service.max_quantity == 8000 and not service.active
    entry = AuditEntry.objects.get(action="service.edit")
    assert entry.before["rate"] == "1.25000" and entry.after["rate"] == "1.50000"
    assert entry.before["active"] is True and entry.after["active"] is False
    assert AuditEntry.objects.filter(action="service.create", object_id=str(service.pk)).exists()


def test_an_invalid_service_is_refused_with_the_reason_and_nothing_changes(admin_op):
    service = make_service()
    bad = {**NEW_SERVICE, "min_quantity": "100", "max_quantity": "10"}
    response = admin_op.post(reverse("backoffice:service_edit", args=[service.pk]), bad)
    assert response.status_code == 400
    assert "min" in response.content.decode()
    assert Service.objects.get(pk=service.pk).max_quantity == 10000
    assert not AuditEntry.objects.exists()


def test_toggle_with_htmx_answers_the_button_alone(admin_op):
    service = make_service()
    response = admin_op.post(
        reverse("backoffice:service_toggle", args=[service.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith("<form")
    service.refresh_from_db()
    assert not service.active
    assert AuditEntry.objects.get().after == {"active": False}


def test_bulk_price_change_rounds_to_the_money_scale_and_never_goes_negative(admin_op):
    cheap = make_service(rate=Decimal("0.00333"))
    normal = make_service(rate=Decimal("2.5"))
    admin_op.post(
        reverse("backoffice:service_bulk"),
        {"action": "percent", "percent": "15", "service": [cheap.pk, normal.pk]},
    )
    cheap.refresh_from_db()
    normal.refresh_from_db()
    # 0.00333 × 1.15 = 0.0038295 -> 0.00383 (half up); 2.5 × 1.15 = 2.875.
    assert cheap.rate == Decimal("0.00383") and normal.rate == Decimal("2.875")
    entries = AuditEntry.objects.filter(action="service.rate_percent").order_by("object_id")
    assert [(e.before["rate"], e.after["rate"]) for e in entries] == [
        ("0.00333", "0.00383"),
        ("2.50000", "2.87500"),
    ]
    admin_op.post(
        reverse("backoffice:service_bulk"),
        {"action": "percent", "percent": "-100", "service": [normal.pk]},
    )
    normal.refresh_from_db()
    assert normal.rate == 0
    with pytest.raises(CatalogError):
        change_rates_by_percent(
            acting_user=Actor.cli(), service_ids=[cheap.pk], percent=Decimal("-100.01")
        )
    response = admin_op.post(
        reverse("backoffice:service_bulk"),
        {"action": "percent", "percent": "-150", "service": [cheap.pk]},
        follow=True,
    )
    cheap.refresh_from_db()
    assert cheap.rate == Decimal("0.00383")
    assert "-100" in response.content.decode()


def test_bulk_disable_and_enable(admin_op):
    first, second = make_service(), make_service()
    admin_op.post(
        reverse("backoffice:service_bulk"), {"action": "disable", "service": [first.pk, second.pk]}
    )
    assert not Service.objects.filter(active=True).exists()
    admin_op.post(reverse("backoffice:service_bulk"), {"action": "enable", "service": [first.pk]})
    assert list(Service.objects.filter(active=True)) == [first]


def test_reorder_services_and_categories(admin_op):
    first, second, third = (make_service(category="Reorder") for _ in range(3))
    admin_op.post(reverse("backoffice:service_move", args=[third.pk, "up"]))
    order = list(Service.objects.filter(category__name="Reorder").order_by("sort_order", "pk"))
    assert order == [first, third, second]
    admin_op.post(reverse("backoffice:service_move", args=[first.pk, "up"]))  # already first
    assert AuditEntry.objects.filter(action="service.move").count() == 1
    make_service(category="Other")
    admin_op.post(
        reverse("backoffice:category_move", args=[Category.objects.get(name="Other").pk, "up"])
    )
    assert list(Category.objects.values_list("name", flat=True))[0] == "Other"


def test_rename_category(admin_op):
    make_service(category="Old name")
    category = Category.objects.get(name="Old name")
    admin_op.post(reverse("backoffice:category_rename", args=[category.pk]), {"name": "New name"})
    category.refresh_from_db()
    assert category.name == "New name"
    assert AuditEntry.objects.get().before == {"name": "Old name"}


def test_script_in_names_and_links_is_escaped_and_long_names_render(admin_op, shop):
    hostile = "<script>alert(1)</script>" + "ü" * 300
    make_service(name=hostile, category="<b>cat</b>")
    order = shop["orders"][0]
    from smmpanel.orders.models import Order

    Order.objects.filter(pk=order.pk).update(link='https://x.com/"><script>alert(2)</script>')
    for url in (reverse("backoffice:services"), reverse("backoffice:orders")):
        body = admin_op.get(url).content.decode()
        assert "<script>alert" not in body
    services = admin_op.get(reverse("backoffice:services")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in services
    assert "&lt;b&gt;cat&lt;/b&gt;" in services
    orders = admin_op.get(reverse("backoffice:orders")).content.decode()
    assert "&lt;script&gt;alert(2)" in orders


def test_create_a_category_and_switch_all_its_services(admin_op):
    admin_op.post(reverse("backoffice:category_create"), {"name": "YouTube"})
    youtube = Category.objects.get(name="YouTube")
    page = admin_op.get(reverse("backoffice:services")).content.decode()
    assert f'id="category-{youtube.pk}"' in page  # shown while still empty
    first, second = make_service(category="YouTube"), make_service(category="YouTube")
    other = make_service(category="Other")
    admin_op.post(reverse("backoffice:category_services_active", args=[youtube.pk, "off"]))
    assert list(Service.objects.filter(active=False).order_by("pk")) == [first, second]
    assert Service.objects.get(pk=other.pk).active
    admin_op.post(reverse("backoffice:category_services_active", args=[youtube.pk, "on"]))
    assert not Service.objects.filter(active=False).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("service.disable") == 2 and "category.create" in actions


def test_a_price_cut_never_rounds_a_paid_service_down_to_free():
    tiny = make_service(rate=Decimal("0.00001"))
    small = make_service(rate=Decimal("0.00004"))
    # 0.00001 × 0.4 = 0.000004 and 0.00004 × 0.1 = 0.000004: both would round to 0.
    change_rates_by_percent(acting_user=Actor.cli(), service_ids=[tiny.pk], percent=Decimal("-60"))
    change_rates_by_percent(acting_user=Actor.cli(), service_ids=[small.pk], percent=Decimal("-90"))
    tiny.refresh_from_db()
    small.refresh_from_db()
    assert (tiny.rate, small.rate) == (Decimal("0.00001"), Decimal("0.00001"))
    change_rates_by_percent(
        acting_user=Actor.cli(), service_ids=[tiny.pk, small.pk], percent=Decimal("-100")
    )
    tiny.refresh_from_db()
    small.refresh_from_db()
    assert (tiny.rate, small.rate) == (0, 0)  # free only when asked for
