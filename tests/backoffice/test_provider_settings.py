"""A provider's settings page and a service's routes, in the back-office: each change goes
through the providers' action (its audit entry)."""

import pytest
from django.urls import reverse

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.operations import check_balance, provider_settings
from smmpanel.providers.routes import add_route
from tests.backoffice.pages import messages_of
from tests.factories import make_service

pytestmark = pytest.mark.django_db


def settings_data(provider, **changes) -> dict:
    values = provider_settings(provider)
    data = {name: str(value) for name, value in values.items() if name != "enabled"}
    if values["enabled"]:
        data["enabled"] = "on"
    return {**data, **changes}


def test_a_new_key_is_set_and_never_shown(admin_op, provider, upstream):
    url = reverse("backoffice:provider_edit", args=[provider.pk])
    assert (
        reverse("backoffice:provider_edit", args=[provider.pk])
        in admin_op.get(reverse("backoffice:providers")).content.decode()
    )
    response = admin_op.post(
        url, {**settings_data(provider), "new_key": upstream.key, "enabled": ""}
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert not provider.enabled
    assert check_balance(acting_user=Actor.cli(), provider=provider).balance is not None
    page = admin_op.get(url).content.decode()
    assert upstream.key not in page and provider.key_hint in page
    assert AuditEntry.objects.filter(action="provider.edit", actor_name="alice").exists()


def test_settings_are_checked_and_nothing_is_written_when_refused(admin_op, provider):
    url = reverse("backoffice:provider_edit", args=[provider.pk])
    response = admin_op.post(url, settings_data(provider, dialect="xml", low_balance="7"))
    assert response.status_code == 400
    assert "unknown dialect word" in response.content.decode()
    provider.refresh_from_db()
    assert provider.low_balance == 0
    assert not AuditEntry.objects.filter(action="provider.edit").exists()


def test_support_can_not_edit_a_provider(support_op, provider):
    url = reverse("backoffice:provider_edit", args=[provider.pk])
    assert support_op.get(url).status_code == 403
    assert support_op.post(url, settings_data(provider, enabled="")).status_code == 403


def test_a_route_is_added_on_the_services_page(admin_op, provider, upstream):
    service = make_service()
    page = admin_op.get(reverse("backoffice:service_edit", args=[service.pk])).content.decode()
    assert reverse("backoffice:route_add", args=[service.pk]) in page
    import_catalog(acting_user=Actor.cli(), provider=provider, markup=0)
    response = admin_op.post(
        reverse("backoffice:route_add", args=[service.pk]),
        {"provider": provider.pk, "upstream_service": upstream.service_id(1), "markup": "10"},
    )
    assert response.status_code == 302
    route = service.routes.get()
    assert route.provider_service.service_id == upstream.service_id(1) and route.markup == 10
    assert AuditEntry.objects.filter(action="route.add").count() == 1
    unknown = admin_op.post(
        reverse("backoffice:route_add", args=[service.pk]),
        {"provider": provider.pk, "upstream_service": "nope", "markup": ""},
    )
    assert "has no service" in messages_of(unknown)[-1]
    assert service.routes.count() == 1


def test_a_route_is_removed_but_a_provider_service_keeps_its_last(admin_op, followers, provider):
    route = followers.routes.get()
    response = admin_op.post(reverse("backoffice:route_remove", args=[route.pk]), follow=True)
    assert response.status_code == 200 and "needs a provider route" in response.content.decode()
    assert followers.routes.count() == 1
    service = make_service()
    other = add_route(
        acting_user=Actor.cli(),
        service_id=service.pk,
        provider_id=provider.pk,
        upstream_service_id=route.provider_service.service_id,
    )
    response = admin_op.post(reverse("backoffice:route_remove", args=[other.pk]))
    assert response.status_code == 302 and messages_of(response) == ["Route removed."]
    assert not service.routes.exists()


def test_support_can_not_add_or_remove_routes(support_op, followers, provider):
    route = followers.routes.get()
    assert support_op.post(reverse("backoffice:route_remove", args=[route.pk])).status_code == 403
    url = reverse("backoffice:route_add", args=[followers.pk])
    assert support_op.post(url, {"provider": provider.pk}).status_code == 403
    assert followers.routes.count() == 1
