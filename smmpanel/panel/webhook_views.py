"""The webhook part of the API page: set, remove, new secret, test event (each one action)."""

from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.panel.customer import customer_required
from smmpanel.webhooks import actions
from smmpanel.webhooks.errors import WebhookError
from smmpanel.webhooks.models import Webhook

NEW_SECRET_SESSION = "new_webhook_secret"
# The receiver examples, shown on the page as they are in the repository (and the README).
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "webhooks"


def examples() -> dict[str, str]:
    found = {}
    for name in ("receiver.py", "receiver.php"):
        try:
            found[name.replace(".", "_")] = (EXAMPLES / name).read_text()
        except OSError:
            found[name.replace(".", "_")] = ""
    return found


def webhook_context(request: HttpRequest, account: Account) -> dict:
    return {
        "webhook": Webhook.objects.filter(account=account).first(),
        "new_secret": request.session.pop(NEW_SECRET_SESSION, None),
        "receiver_examples": examples(),
    }


@require_POST
@customer_required
def set_webhook(request: HttpRequest, account: Account) -> HttpResponse:
    try:
        _hook, secret = actions.set_webhook(
            account=account, url=request.POST.get("url", ""), acting_user=Actor.of_request(request)
        )
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        request.session[NEW_SECRET_SESSION] = secret
        messages.success(request, _("Webhook saved: events go to this URL from now on."))
    return redirect("panel:api_access")


@require_POST
@customer_required
def rotate_secret(request: HttpRequest, account: Account) -> HttpResponse:
    try:
        _hook, secret = actions.rotate_webhook_secret(
            account=account, acting_user=Actor.of_request(request)
        )
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        request.session[NEW_SECRET_SESSION] = secret
        messages.warning(request, _("A new secret was made; the old one no longer signs."))
    return redirect("panel:api_access")


@require_POST
@customer_required
def remove_webhook(request: HttpRequest, account: Account) -> HttpResponse:
    if actions.remove_webhook(account=account, acting_user=Actor.of_request(request)):
        messages.success(request, _("Webhook removed: no more events are sent."))
    return redirect("panel:api_access")


@require_POST
@customer_required
def test_event(request: HttpRequest, account: Account) -> HttpResponse:
    try:
        actions.send_test_event(account=account)
    except WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A test event is on its way."))
    return redirect("panel:api_access")
