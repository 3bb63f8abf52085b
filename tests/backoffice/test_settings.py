"""Panel settings: the environment is the default, the operator's override wins, and the order
path honours the duplicate-link rule at once."""

import pytest
from django.urls import reverse

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.configuration import current
from smmpanel.configuration.errors import SettingsError
from smmpanel.configuration.operations import update_settings
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.placement import place_order
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db

ALL_DEFAULT = {
    "panel_name": "",
    "currency": "",
    "refuse_duplicate_link": "",
    "api_requests_per_minute": "",
    "affiliate_percent": "",
    "affiliate_cookie_days": "",
    "affiliate_hold_days": "",
    "affiliate_min_payout": "",
}


def order_twice(account, service) -> None:
    params = {"link": "https://x.com/same", "quantity": "100"}
    place_order(account=account, service=service, params=params)
    place_order(account=account, service=service, params=params)


def test_defaults_come_from_the_environment(settings):
    settings.PANEL_NAME = "EnvPanel"
    settings.CURRENCY = "IDR"
    now = current.current()
    assert now.panel_name == "EnvPanel" and now.currency == "IDR"
    assert now.languages == ("en", "id", "vi")
    assert now.refuse_duplicate_link is False


def test_duplicate_link_override_is_honoured_by_placement_either_way(admin_op, settings):
    account, _ = make_account("100")
    service = make_service()
    admin_op.post(reverse("backoffice:settings"), {**ALL_DEFAULT, "refuse_duplicate_link": "on"})
    with pytest.raises(OrderError) as refused:
        order_twice(account, service)
    assert refused.value.code == OrderErrorCode.DUPLICATE_LINK
    # The environment refuses; the operator allows: the override wins.
    settings.REFUSE_DUPLICATE_LINK = True
    admin_op.post(reverse("backoffice:settings"), {**ALL_DEFAULT, "refuse_duplicate_link": "off"})
    order_twice(account, make_service())
    # Back to the default: the environment's rule applies again.
    admin_op.post(reverse("backoffice:settings"), ALL_DEFAULT)
    with pytest.raises(OrderError):
        order_twice(account, make_service())


def test_settings_page_saves_overrides_audits_them_and_shows_the_name(admin_op):
    response = admin_op.post(
        reverse("backoffice:settings"),
        {
            **ALL_DEFAULT,
            "panel_name": "Toko <i>SMM</i>",
            "currency": "idr",
            "languages": ["en", "id"],
            "api_requests_per_minute": "120",
        },
    )
    assert response.status_code == 302
    now = current.current()
    assert (now.panel_name, now.currency, now.languages) == ("Toko <i>SMM</i>", "IDR", ("en", "id"))
    assert now.api_requests_per_minute == 120
    entry = AuditEntry.objects.get(action="settings.update")
    assert entry.before["currency"] == "" and entry.after["currency"] == "IDR"
    page = admin_op.get(reverse("backoffice:dashboard")).content.decode()
    assert "Toko &lt;i&gt;SMM&lt;/i&gt;" in page
    # Money is shown in the override's currency, without decimals for IDR.
    assert "IDR" in page and "0 IDR" in page


def test_bad_settings_are_refused_and_nothing_is_stored(admin_op):
    response = admin_op.post(reverse("backoffice:settings"), {**ALL_DEFAULT, "currency": "D0"})
    assert response.status_code == 400
    with pytest.raises(SettingsError):
        update_settings(acting_user=Actor.system(), languages=["xx"])
    assert not AuditEntry.objects.exists()
    assert current.current().currency == "USD"
