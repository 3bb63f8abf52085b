"""Changing the panel's settings, called directly: the change records itself, a change to the
same values records nothing, and a refused one stores nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.configuration import current
from smmpanel.configuration.errors import SettingsError, SettingsErrorCode
from smmpanel.configuration.operations import update_settings

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "panel_name": "",
    "currency": "",
    "languages": "",
    "refuse_duplicate_link": None,
    "api_requests_per_minute": None,
    "support_auto_refill": None,
    "support_auto_cancel": None,
    "support_auto_speed_up": None,
    "support_open_tickets": None,
    "support_order_cooldown_hours": None,
    "affiliate_percent": None,
    "affiliate_cookie_days": None,
    "affiliate_hold_days": None,
    "affiliate_min_payout": None,
}


@pytest.fixture
def operator() -> Actor:
    user = get_user_model().objects.create_user("olga", is_staff=True)
    return Actor(user=user, name="olga", ip="203.0.113.9")


def test_update_settings_records_the_overrides_before_and_after(operator):
    after = update_settings(
        acting_user=operator, panel_name=" Toko ", currency="idr", languages=["id", "en"]
    )
    assert after == {**DEFAULTS, "panel_name": "Toko", "currency": "IDR", "languages": "en,id"}
    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.ip, entry.action) == ("olga", "203.0.113.9", "settings.update")
    assert (entry.object_type, entry.object_id) == ("configuration.panelsettings", "1")
    assert (entry.before, entry.after) == (DEFAULTS, after)
    assert current.current().currency == "IDR"


def test_saving_the_same_settings_again_records_nothing(operator):
    update_settings(acting_user=operator, currency="EUR", refuse_duplicate_link=True)
    update_settings(acting_user=operator, currency="eur", refuse_duplicate_link=True)
    update_settings(acting_user=Actor.cli(), currency="EUR", refuse_duplicate_link=True)
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "code", "field"),
    [
        ({"currency": "D0"}, SettingsErrorCode.INVALID_CURRENCY, "currency"),
        ({"languages": ["en", "xx"]}, SettingsErrorCode.UNKNOWN_LANGUAGE, "languages"),
        (
            {"api_requests_per_minute": 2**31},
            SettingsErrorCode.INVALID_RATE_LIMIT,
            "api_requests_per_minute",
        ),
    ],
)
def test_a_malformed_setting_is_refused_with_its_code_and_field(operator, values, code, field):
    with pytest.raises(SettingsError) as refused:
        update_settings(acting_user=operator, panel_name="Kept out", **values)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert not AuditEntry.objects.exists()
    assert current.current().panel_name != "Kept out"


def test_the_refusal_is_translated_with_its_blanks_filled(operator):
    with pytest.raises(SettingsError) as refused:
        update_settings(acting_user=operator, languages=["xx"])
    assert refused.value.message == "Unknown language: xx"
    with translation.override("id"):
        assert refused.value.message == "Bahasa tidak dikenal: xx"
