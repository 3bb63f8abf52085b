"""The catalog's actions, called directly: each records its own audit entry (who, what, before
and after), and a call that changes nothing writes nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog import operations
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import Category, Service
from tests.factories import make_service

pytestmark = pytest.mark.django_db

VALUES = {
    "name": " Likes ",
    "category": "Instagram",
    "type": "Default",
    "rate": Decimal("1.2"),
    "min_quantity": 10,
    "max_quantity": 5000,
}


@pytest.fixture
def alice() -> Actor:
    user = get_user_model().objects.create_user(username="alice", is_staff=True)
    return Actor.of_user(user, ip="192.0.2.7")


def only_entry() -> AuditEntry:
    return AuditEntry.objects.get()


def test_create_service_records_its_values_as_stored(alice):
    service = operations.create_service(acting_user=alice, **VALUES, active=False)
    entry = only_entry()
    assert (entry.actor_name, entry.ip, entry.action) == ("alice", "192.0.2.7", "service.create")
    assert (entry.object_type, entry.object_id) == ("catalog.service", str(service.pk))
    assert entry.before is None
    assert entry.after["name"] == "Likes" and entry.after["rate"] == "1.20000"
    assert entry.after["category"] == "Instagram" and entry.after["active"] is False


def test_a_refused_service_writes_nothing(alice):
    with pytest.raises(CatalogError) as refused:
        operations.create_service(acting_user=alice, **{**VALUES, "min_quantity": 9000})
    assert refused.value.code == CatalogErrorCode.INVALID_RANGE
    assert refused.value.message == "Need 1 <= min <= max"
    assert not Service.objects.exists() and not Category.objects.exists()
    assert not AuditEntry.objects.exists()


def test_edit_service_records_before_and_after(alice):
    service = make_service(rate=Decimal("0.9"), category="Instagram")
    operations.edit_service(
        acting_user=alice, service_id=service.pk, rate=Decimal("1.5"), category="TikTok"
    )
    entry = only_entry()
    assert (entry.actor_name, entry.action) == ("alice", "service.edit")
    assert (entry.before["rate"], entry.after["rate"]) == ("0.90000", "1.50000")
    assert (entry.before["category"], entry.after["category"]) == ("Instagram", "TikTok")
    assert Service.objects.get(pk=service.pk).category.name == "TikTok"


def test_edit_service_with_the_stored_values_writes_nothing(alice):
    service = make_service(rate=Decimal("0.9"), category="Instagram")
    stamp = Service.objects.get(pk=service.pk).updated_at
    operations.edit_service(
        acting_user=alice,
        service_id=service.pk,
        **{**operations.service_values(service), "rate": Decimal("0.90"), "name": service.name},
    )
    assert not AuditEntry.objects.exists()
    assert Service.objects.get(pk=service.pk).updated_at == stamp


def test_set_services_active_records_each_service_that_changed():
    on, off = make_service(), make_service(active=False)
    changed = operations.set_services_active(
        acting_user=Actor.cli(), service_ids=[on.pk, off.pk], active=False
    )
    assert changed == [on.pk]
    entry = only_entry()
    assert entry.actor_name.startswith("cli:") and entry.action == "service.disable"
    assert (entry.object_id, entry.before, entry.after) == (
        str(on.pk),
        {"active": True},
        {"active": False},
    )
    assert (
        operations.set_services_active(
            acting_user=Actor.cli(), service_ids=[on.pk, off.pk], active=False
        )
        == []
    )
    assert AuditEntry.objects.count() == 1


def test_set_category_active_switches_its_services_only(alice):
    first, second = make_service(category="YouTube"), make_service(category="YouTube")
    other = make_service(category="Other")
    category = Category.objects.get(name="YouTube")
    changed = operations.set_category_active(
        acting_user=alice, category_id=category.pk, active=False
    )
    assert sorted(changed) == [first.pk, second.pk]
    assert Service.objects.get(pk=other.pk).active
    entries = AuditEntry.objects.order_by("object_id")
    assert [(e.action, e.object_id, e.summary) for e in entries] == [
        ("service.disable", str(first.pk), f"category {category.pk}"),
        ("service.disable", str(second.pk), f"category {category.pk}"),
    ]
    operations.set_category_active(acting_user=alice, category_id=category.pk, active=False)
    assert AuditEntry.objects.count() == 2


def test_change_rates_by_percent_records_old_and_new_rate(alice):
    service = make_service(rate=Decimal("2.5"))
    free = make_service(rate=Decimal("0"))
    changes = operations.change_rates_by_percent(
        acting_user=alice, service_ids=[service.pk, free.pk], percent=Decimal("10")
    )
    assert changes == [(service.pk, Decimal("2.5"), Decimal("2.75"))]
    entry = only_entry()
    assert (entry.action, entry.summary) == ("service.rate_percent", "+10%")
    assert (entry.before, entry.after) == ({"rate": "2.50000"}, {"rate": "2.75000"})
    assert (
        operations.change_rates_by_percent(
            acting_user=alice, service_ids=[service.pk], percent=Decimal("0")
        )
        == []
    )
    assert AuditEntry.objects.count() == 1


def test_a_percentage_out_of_range_is_refused_before_any_change(alice):
    service = make_service(rate=Decimal("2.5"))
    with pytest.raises(CatalogError) as refused:
        operations.change_rates_by_percent(
            acting_user=alice, service_ids=[service.pk], percent=Decimal("-101")
        )
    assert refused.value.code == CatalogErrorCode.INVALID_PERCENT
    assert not AuditEntry.objects.exists()


def test_move_service_records_its_new_place_and_not_past_the_end(alice):
    first, second = make_service(category="Reorder"), make_service(category="Reorder")
    assert operations.move_service(acting_user=alice, service_id=second.pk, step=-1)
    entry = only_entry()
    assert (entry.action, entry.object_id) == ("service.move", str(second.pk))
    assert (entry.before, entry.after) == ({"sort_order": 0}, {"sort_order": 10})
    assert not operations.move_service(acting_user=alice, service_id=second.pk, step=-1)
    assert AuditEntry.objects.count() == 1
    assert list(Service.objects.order_by("sort_order", "pk")) == [second, first]


def test_move_category_records_its_new_place_and_not_past_the_end(alice):
    make_service(category="First")
    make_service(category="Second")
    second = Category.objects.get(name="Second")
    assert operations.move_category(acting_user=alice, category_id=second.pk, step=-1)
    entry = only_entry()
    assert (entry.action, entry.object_type) == ("category.move", "catalog.category")
    assert (entry.before, entry.after) == ({"sort_order": 0}, {"sort_order": 10})
    assert not operations.move_category(acting_user=alice, category_id=second.pk, step=-1)
    assert AuditEntry.objects.count() == 1


def test_create_category_records_a_new_one_only(alice):
    category = operations.create_category(acting_user=alice, name="  YouTube ")
    entry = only_entry()
    assert (entry.action, entry.object_id, entry.after) == (
        "category.create",
        str(category.pk),
        {"name": "YouTube"},
    )
    assert operations.create_category(acting_user=alice, name="YouTube") == category
    assert AuditEntry.objects.count() == 1


def test_rename_category_records_the_old_and_new_name(alice):
    make_service(category="Old name")
    category = Category.objects.get(name="Old name")
    operations.rename_category(acting_user=alice, category_id=category.pk, name="New name")
    entry = only_entry()
    assert (entry.action, entry.before, entry.after) == (
        "category.rename",
        {"name": "Old name"},
        {"name": "New name"},
    )
    operations.rename_category(acting_user=alice, category_id=category.pk, name=" New name ")
    assert AuditEntry.objects.count() == 1


def test_a_taken_category_name_is_refused(alice):
    make_service(category="Taken")
    make_service(category="Mine")
    mine = Category.objects.get(name="Mine")
    with pytest.raises(CatalogError) as refused:
        operations.rename_category(acting_user=alice, category_id=mine.pk, name="Taken")
    assert refused.value.code == CatalogErrorCode.CATEGORY_NAME_TAKEN
    assert not AuditEntry.objects.exists()
