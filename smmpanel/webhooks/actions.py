"""A customer's decisions about their webhook, and the panel's one (turning off a receiver that
keeps failing), each one function that records itself.

Each action takes the `acting_user` (the customer on the API page, or the CLI), locks the
account's webhook and re-reads it, and writes its audit entry (before -> after) in its own
transaction. The URL is judged (a DNS look-up) before any transaction opens. The secret is shown
once, when made; it is stored sealed (`smmpanel.sealed`), since it must be read to sign.
"""

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smmpanel import sealed
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record
from smmpanel.netpolicy import ProviderUrlError, check_provider_url
from smmpanel.webhooks.errors import WebhookError, WebhookErrorCode
from smmpanel.webhooks.models import Event, Webhook

PURPOSE = "webhook secret"
URL_MAX_LENGTH = 500
TEST_EVENT = "webhook.test"


def check_webhook_url(url: str) -> str:
    """The URL, stripped, when events may be sent to it: http(s), no credentials, and public
    addresses only unless the operator set `SMMPANEL_ALLOW_PRIVATE_WEBHOOKS=1` (the policy of
    providers' URLs, `netpolicy`). Resolves the host: call it outside any transaction."""
    url = url.strip()
    if len(url) > URL_MAX_LENGTH:
        raise WebhookError(WebhookErrorCode.TOO_LONG, max=URL_MAX_LENGTH)
    try:
        return check_provider_url(url, allow_private=settings.ALLOW_PRIVATE_WEBHOOKS)
    except ProviderUrlError as refused:
        raise WebhookError(WebhookErrorCode(refused.reason.value), host=refused.host) from None


def secret_of(webhook: Webhook) -> str:
    return sealed.unseal(webhook.secret_sealed, purpose=PURPOSE)


def _snapshot(webhook: Webhook | None) -> dict[str, Any] | None:
    if webhook is None:
        return None
    return {"url": webhook.url, "active": webhook.active, "secret_hint": webhook.secret_hint}


def _new_secret(webhook: Webhook) -> str:
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook.secret_sealed = sealed.seal(secret, purpose=PURPOSE)
    webhook.secret_hint = sealed.hint(secret)
    return secret


def _locked(account: Account) -> Webhook | None:
    return Webhook.objects.select_for_update().filter(account=account).first()


def set_webhook(*, account: Account, url: str, acting_user: Actor) -> tuple[Webhook, str]:
    """Send the account's events to `url` from now on, signed with a new secret (returned, to be
    shown once); turns a webhook that was turned off on again. WebhookError, and nothing
    written, for a URL the policy refuses (`check_webhook_url`)."""
    url = check_webhook_url(url)
    with transaction.atomic():
        webhook = _locked(account)
        before = _snapshot(webhook)
        if webhook is None:
            webhook = Webhook(account=account)
        webhook.url = url
        webhook.active = True
        webhook.failing_since = webhook.turned_off_at = None
        webhook.last_error = ""
        secret = _new_secret(webhook)
        webhook.save()
        record(
            acting_user,
            "webhook.set",
            obj=webhook,
            summary=f"account {account.pk}",
            before=before,
            after=_snapshot(webhook),
        )
    return webhook, secret


def rotate_webhook_secret(*, account: Account, acting_user: Actor) -> tuple[Webhook, str]:
    """A new secret for the account's webhook (returned, to be shown once); the old one stops
    signing at once. WebhookError when the account has no webhook."""
    with transaction.atomic():
        webhook = _locked(account)
        if webhook is None:
            raise WebhookError(WebhookErrorCode.NO_WEBHOOK)
        before = _snapshot(webhook)
        secret = _new_secret(webhook)
        webhook.save(update_fields=["secret_sealed", "secret_hint", "updated_at"])
        record(
            acting_user,
            "webhook.rotate_secret",
            obj=webhook,
            before=before,
            after=_snapshot(webhook),
        )
    return webhook, secret


def remove_webhook(*, account: Account, acting_user: Actor) -> bool:
    """No more events for the account: the webhook and its undelivered events are deleted.
    Returns False (and records nothing) when there was none."""
    with transaction.atomic():
        webhook = _locked(account)
        if webhook is None:
            return False
        record(acting_user, "webhook.remove", obj=webhook, before=_snapshot(webhook))
        webhook.delete()
    return True


def turn_off_webhook(*, webhook_id: int, error: str, acting_user: Actor) -> Webhook:
    """The receiver kept failing: stop sending and drop its undelivered events (the customer
    reads the orders' state with the API's `status` when they turn it on again). The API page
    says so. No change when it is already off."""
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().get(pk=webhook_id)
        if not webhook.active:
            return webhook
        before = _snapshot(webhook)
        webhook.active = False
        webhook.turned_off_at = timezone.now()
        webhook.last_error = error[:200]
        webhook.save(update_fields=["active", "turned_off_at", "last_error", "updated_at"])
        dropped, _ = Event.objects.filter(webhook=webhook).delete()
        record(
            acting_user,
            "webhook.turn_off",
            obj=webhook,
            summary=f"{dropped} undelivered events dropped: {error}"[:500],
            before=before,
            after=_snapshot(webhook),
        )
    return webhook


def send_test_event(*, account: Account) -> Event:
    """Queue a `webhook.test` event for the account's active webhook (the worker sends it)."""
    webhook = Webhook.objects.filter(account=account, active=True).first()
    if webhook is None:
        raise WebhookError(WebhookErrorCode.NO_WEBHOOK)
    now = timezone.now()
    return Event.objects.create(
        webhook=webhook,
        type=TEST_EVENT,
        payload={"type": TEST_EVENT, "time": now.isoformat()},
        created_at=now,
        next_attempt_at=now,
    )
