"""The webhook's actions record themselves; the URL passes the providers' address policy."""

import pytest

from smmpanel import sealed
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.webhooks.actions import (
    PURPOSE,
    remove_webhook,
    rotate_webhook_secret,
    set_webhook,
    turn_off_webhook,
)
from smmpanel.webhooks.errors import WebhookError, WebhookErrorCode
from smmpanel.webhooks.models import Webhook
from tests.factories import make_account

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"


def entries(action):
    return list(AuditEntry.objects.filter(action=action))


def test_set_webhook_stores_the_secret_sealed_and_records_itself():
    account, _ = make_account()
    webhook, secret = set_webhook(account=account, url=f" {URL} ", acting_user=Actor.cli())
    assert webhook.url == URL and secret.startswith("whsec_")
    assert secret not in webhook.secret_sealed
    assert sealed.unseal(webhook.secret_sealed, purpose=PURPOSE) == secret
    [entry] = entries("webhook.set")
    assert entry.before is None and entry.after["url"] == URL
    assert entry.after["secret_hint"] == webhook.secret_hint and secret not in str(entry.after)
    assert entry.actor_name.startswith("cli:")

    _, again = set_webhook(account=account, url=URL + "2", acting_user=Actor.cli())
    assert again != secret and Webhook.objects.count() == 1
    assert entries("webhook.set")[1].before["url"] == URL


def test_rotate_makes_a_new_secret_and_records_itself():
    account, _ = make_account()
    with pytest.raises(WebhookError) as refused:
        rotate_webhook_secret(account=account, acting_user=Actor.cli())
    assert refused.value.code == WebhookErrorCode.NO_WEBHOOK
    _, old = set_webhook(account=account, url=URL, acting_user=Actor.cli())
    webhook, new = rotate_webhook_secret(account=account, acting_user=Actor.cli())
    assert new != old and sealed.unseal(webhook.secret_sealed, purpose=PURPOSE) == new
    [entry] = entries("webhook.rotate_secret")
    assert entry.before["secret_hint"] != entry.after["secret_hint"]


def test_remove_records_itself_once():
    account, _ = make_account()
    set_webhook(account=account, url=URL, acting_user=Actor.cli())
    assert remove_webhook(account=account, acting_user=Actor.cli()) is True
    assert remove_webhook(account=account, acting_user=Actor.cli()) is False
    [entry] = entries("webhook.remove")
    assert entry.before["url"] == URL and entry.after is None
    assert not Webhook.objects.exists()


def test_turn_off_records_itself_once_and_setting_again_turns_it_on():
    account, _ = make_account()
    webhook, _ = set_webhook(account=account, url=URL, acting_user=Actor.cli())
    for _ in range(2):
        turn_off_webhook(webhook_id=webhook.pk, error="HTTP 500", acting_user=Actor.system())
    [entry] = entries("webhook.turn_off")
    assert entry.before["active"] is True and entry.after["active"] is False
    webhook, _ = set_webhook(account=account, url=URL, acting_user=Actor.cli())
    assert webhook.active and webhook.turned_off_at is None and webhook.last_error == ""


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://127.0.0.1/hook", WebhookErrorCode.PRIVATE_ADDRESS),
        ("http://10.1.2.3/hook", WebhookErrorCode.PRIVATE_ADDRESS),
        ("http://[::1]:8080/hook", WebhookErrorCode.PRIVATE_ADDRESS),
        ("http://169.254.169.254/latest/meta-data", WebhookErrorCode.PRIVATE_ADDRESS),
        ("http://localhost/hook", WebhookErrorCode.PRIVATE_ADDRESS),
        ("ftp://example.com/hook", WebhookErrorCode.SCHEME),
        ("https://user:pw@example.com/hook", WebhookErrorCode.CREDENTIALS),
        ("https:///hook", WebhookErrorCode.NO_HOST),
        ("https://example.com/" + "a" * 500, WebhookErrorCode.TOO_LONG),
    ],
)
def test_the_url_policy_refuses_private_addresses(settings, url, code):
    settings.ALLOW_PRIVATE_WEBHOOKS = False
    account, _ = make_account()
    with pytest.raises(WebhookError) as refused:
        set_webhook(account=account, url=url, acting_user=Actor.cli())
    assert refused.value.code == code
    assert not Webhook.objects.exists() and not entries("webhook.set")


def test_a_public_address_is_allowed(settings):
    settings.ALLOW_PRIVATE_WEBHOOKS = False
    account, _ = make_account()
    webhook, _ = set_webhook(
        account=account, url="https://93.184.215.14/hook", acting_user=Actor.cli()
    )
    assert webhook.url == "https://93.184.215.14/hook"
