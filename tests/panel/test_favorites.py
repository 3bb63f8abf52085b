"""Favorites: a customer stars services; the new order form and the services page can list only
those."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from smmpanel.audit.log import Actor
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.favorites import favorite_ids, set_favorite
from smmpanel.catalog.models import Favorite
from smmpanel.catalog.operations import set_services_active
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def test_starring_is_once_and_unstarring_removes_it():
    account, _ = make_account()
    service = make_service(rate=Decimal(1))
    assert set_favorite(account=account, service_id=service.pk, starred=True)
    assert set_favorite(account=account, service_id=service.pk, starred=True)
    assert Favorite.objects.filter(account=account).count() == 1
    assert not set_favorite(account=account, service_id=service.pk, starred=False)
    assert favorite_ids(account) == set()


def test_an_unknown_or_disabled_service_cannot_be_starred():
    account, _ = make_account()
    service = make_service(rate=Decimal(1))
    set_services_active(acting_user=Actor.cli(), service_ids=[service.pk], active=False)
    for pk in (service.pk, 999999):
        with pytest.raises(CatalogError):
            set_favorite(account=account, service_id=pk, starred=True)
    assert not Favorite.objects.exists()


def test_the_order_form_lists_only_favorites_across_categories(browser, customer):
    liked = make_service(name="Liked views", category="YouTube", rate=Decimal(1))
    make_service(name="Other views", category="YouTube", rate=Decimal(1))
    make_service(name="Plain likes", category="Instagram", rate=Decimal(1))
    # Starred through the page, as the star button does it (htmx), then listed alone.
    star = browser.post(reverse("panel:favorite", args=[liked.pk]), {"starred": "1"},
                        HTTP_HX_REQUEST="true")  # fmt: skip
    assert star.status_code == 200 and 'aria-pressed="true"' in star.text
    options = browser.get(reverse("panel:order_services"), {"favorites": "1", "category": "1"})
    assert "Liked views" in options.text
    assert "Other views" not in options.text and "Plain likes" not in options.text
    page = browser.get(reverse("panel:new_order") + f"?service={liked.pk}")
    assert 'id="id_favorites"' in page.text and f'data-testid="star-{liked.pk}"' in page.text


def test_the_services_page_stars_without_javascript_and_filters(browser, customer):
    liked = make_service(name="Liked views", rate=Decimal(1))
    make_service(name="Other views", rate=Decimal(1))
    back = reverse("panel:services") + "?q=views"
    response = browser.post(reverse("panel:favorite", args=[liked.pk]),
                            {"starred": "1", "next": back})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == back
    assert favorite_ids(customer) == {liked.pk}
    only = browser.get(reverse("panel:services"), {"favorites": "1"})
    assert "Liked views" in only.text and "Other views" not in only.text
    # Elsewhere than this site, the redirect goes to the services page instead.
    away = browser.post(reverse("panel:favorite", args=[liked.pk]),
                        {"starred": "0", "next": "https://evil.example/"})  # fmt: skip
    assert away["Location"] == reverse("panel:services") and favorite_ids(customer) == set()
    # Visitors see no stars and cannot star.
    assert "star-" not in Client().get(reverse("panel:services")).text
    visitor = Client().post(reverse("panel:favorite", args=[liked.pk]), {"starred": "1"})
    assert visitor.status_code == 302 and "login" in visitor["Location"]
