"""The Updates page and its Atom feed: what the catalog's actions record, whoever made the
change; filters, hidden entries, languages; hiding an entry in the back-office."""

from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.backoffice import roles
from smmpanel.catalog import operations
from smmpanel.catalog.models import ServiceUpdate
from smmpanel.catalog.provider_changes import follow_provider
from smmpanel.catalog.updates import set_update_hidden, shown_updates
from tests.backoffice.conftest import operator
from tests.factories import make_service

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def alice() -> Actor:
    user = get_user_model().objects.create_user(username="alice", is_staff=True)
    return Actor.of_user(user)


def kinds(service) -> list[tuple[str, str, str]]:
    return list(service.updates.order_by("pk").values_list("kind", "old", "new"))


def test_operator_changes_are_recorded_as_updates(alice):
    service = make_service(rate=Decimal("1"), min_quantity=10, max_quantity=100)
    operations.edit_service(
        acting_user=alice, service_id=service.pk, rate=Decimal("1.5"), max_quantity=200
    )
    operations.set_services_active(acting_user=alice, service_ids=[service.pk], active=False)
    operations.set_services_active(acting_user=alice, service_ids=[service.pk], active=True)
    operations.change_rates_by_percent(
        acting_user=alice, service_ids=[service.pk], percent=Decimal(-50)
    )
    operations.edit_service(acting_user=alice, service_id=service.pk, description="same price")
    assert kinds(service) == [
        ("new", "", "1.00000"),
        ("price_up", "1.00000", "1.50000"),
        ("range", "10–100", "10–200"),
        ("disabled", "", ""),
        ("enabled", "", ""),
        ("price_down", "1.50000", "0.75000"),
    ]


def test_a_sync_change_is_recorded_by_the_catalogs_action(alice):
    service = make_service(rate=Decimal("1"))
    assert follow_provider(acting_user=Actor.system(), service_id=service.pk, rate=Decimal(2))
    assert not follow_provider(acting_user=Actor.system(), service_id=service.pk, rate=Decimal(2))
    [entry] = AuditEntry.objects.filter(action="service.sync")
    assert (entry.actor_name, entry.before, entry.after) == (
        "system",
        {"rate": "1.00000"},
        {"rate": "2"},
    )
    assert kinds(service)[-1] == ("price_up", "1.00000", "2.00000")


def test_hiding_an_entry_is_audited_and_removes_it_from_the_page(alice):
    service = make_service()
    [update] = service.updates.all()
    set_update_hidden(acting_user=alice, update_id=update.pk, hidden=True)
    set_update_hidden(acting_user=alice, update_id=update.pk, hidden=True)  # already: nothing
    [entry] = AuditEntry.objects.filter(action="service_update.hide")
    assert entry.actor_name == "alice" and entry.after == {"hidden": True}
    assert not shown_updates().exists()


def test_the_page_lists_updates_newest_first_and_filters_them(client, alice):
    likes = make_service(name="Likes", category="Instagram", rate=Decimal("1"))
    views = make_service(name="Views <b>", category="YouTube", rate=Decimal("2"))
    operations.edit_service(acting_user=alice, service_id=likes.pk, rate=Decimal("1.2"))
    page = client.get(reverse("panel:updates")).content.decode()
    assert page.index("Likes") < page.index("Views &lt;b&gt;")  # the price rise is newest
    assert "1.00 USD → 1.20 USD" in page and "Price up" in page
    youtube = views.category_id
    page = client.get(reverse("panel:updates"), {"category": youtube}).content.decode()
    assert "Views &lt;b&gt;" in page and "Likes" not in page
    page = client.get(reverse("panel:updates"), {"kind": "price_up"}).content.decode()
    assert "Likes" in page and "Views" not in page
    # Nonsense filters are ignored, never an error.
    assert client.get(reverse("panel:updates"), {"category": "x", "kind": "y"}).status_code == 200


def test_hidden_entries_are_on_neither_the_page_nor_the_feed(client, alice):
    service = make_service(name="Secret thing")
    set_update_hidden(acting_user=alice, update_id=service.updates.get().pk, hidden=True)
    assert "Secret thing" not in client.get(reverse("panel:updates")).content.decode()
    assert b"Secret thing" not in client.get(reverse("panel:updates_feed")).content


def test_the_feed_is_atom_with_one_entry_per_update(client, alice):
    service = make_service(name="Likes", rate=Decimal("1"))
    operations.edit_service(acting_user=alice, service_id=service.pk, rate=Decimal("0.5"))
    response = client.get(reverse("panel:updates_feed"), {"kind": "price_down"})
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    [entry] = feed.findall(f"{ATOM}entry")
    title = entry.find(f"{ATOM}title").text
    assert "Likes" in title and "Price down: 1.00 USD → 0.50 USD" in title
    assert entry.find(f"{ATOM}updated").text
    assert (
        entry.find(f"{ATOM}link")
        .get("href")
        .endswith(f"#update-{service.updates.order_by('pk').last().pk}")
    )


@pytest.mark.parametrize(
    ("language", "words"), [("id", ["Pembaruan", "Harga turun"]), ("vi", ["Cập nhật", "Giảm giá"])]
)
def test_the_page_and_feed_speak_the_visitors_language(alice, language, words):
    service = make_service(rate=Decimal("1"))
    operations.edit_service(acting_user=alice, service_id=service.pk, rate=Decimal("0.5"))
    client = Client(headers={"accept-language": language})
    page = client.get(reverse("panel:updates")).content.decode()
    feed = client.get(reverse("panel:updates_feed")).content.decode()
    for word in words:
        assert word in page and word in feed


def test_the_operator_hides_and_shows_an_entry_in_the_back_office():
    admin_op = operator("alice", roles.ADMIN)
    service = make_service(name="Oops")
    update = service.updates.get()
    assert "Oops" in admin_op.get(reverse("backoffice:updates")).content.decode()
    url = reverse("backoffice:update_hide", args=[update.pk])
    response = admin_op.post(url)
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.hidden
    assert AuditEntry.objects.get(action="service_update.hide").actor_name == "alice"
    admin_op.post(url)
    update.refresh_from_db()
    assert not update.hidden and isinstance(update, ServiceUpdate)
