"""`edit_provider`, called directly: the settings before -> after in one audit entry, a call that
changes nothing writes nothing, and a refused value writes nothing."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.client import Dialect
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.operations import dialect_words, edit_provider, provider_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> Actor:
    user = get_user_model().objects.create_user(username="alice", is_staff=True)
    return Actor.of_user(user, ip="192.0.2.7")


def settings_of(provider, **changes) -> dict:
    values = provider_settings(provider)
    values.pop("dialect")
    return {"dialect": "auto", **values, **changes}


def test_edit_provider_records_the_settings_before_and_after(alice, provider):
    url = provider.url
    edited = edit_provider(
        acting_user=alice,
        provider_id=provider.pk,
        **settings_of(
            provider,
            dialect="json,bearer",
            exchange_rate=Decimal("16000"),
            low_balance=Decimal("5"),
            enabled=False,
        ),
    )
    assert Dialect.from_json(edited.dialect) == Dialect(body="json", auth="bearer")
    [entry] = AuditEntry.objects.filter(action="provider.edit")
    assert (entry.actor_name, entry.ip, entry.object_id) == ("alice", "192.0.2.7", str(provider.pk))
    assert entry.before == {
        "url": url,
        "dialect": "form,key",
        "exchange_rate": "1.0000000000",
        "low_balance": "0.00000",
        "enabled": True,
    }
    assert entry.after == {
        "url": url,
        "dialect": "json,bearer",
        "exchange_rate": "16000.0000000000",
        "low_balance": "5.00000",
        "enabled": False,
    }
    edited.refresh_from_db()
    assert (edited.exchange_rate, edited.low_balance, edited.enabled) == (16000, 5, False)


def test_the_same_settings_again_write_nothing(alice, provider):
    before = provider.updated_at
    edit_provider(acting_user=alice, provider_id=provider.pk, **settings_of(provider))
    edit_provider(
        acting_user=alice,
        provider_id=provider.pk,
        **settings_of(provider, dialect=dialect_words(provider.dialect)),
    )
    assert not AuditEntry.objects.filter(action="provider.edit").exists()
    provider.refresh_from_db()
    assert provider.updated_at == before


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"url": "ftp://example.com/api"}, ProviderErrorCode.URL_SCHEME),
        ({"url": "https://user:pw@example.com/api"}, ProviderErrorCode.URL_CREDENTIALS),
        ({"dialect": "xml"}, ProviderErrorCode.INVALID_DIALECT),
        ({"exchange_rate": Decimal(0)}, ProviderErrorCode.INVALID_EXCHANGE_RATE),
        ({"low_balance": Decimal(-1)}, ProviderErrorCode.INVALID_LOW_BALANCE),
    ],
)
def test_a_refused_setting_writes_nothing(alice, provider, changes, code):
    with pytest.raises(ProviderError) as refused:
        edit_provider(
            acting_user=alice, provider_id=provider.pk, **settings_of(provider, **changes)
        )
    assert refused.value.code == code
    assert not AuditEntry.objects.filter(action="provider.edit").exists()
    provider.refresh_from_db()
    assert provider.enabled and provider.exchange_rate == 1
