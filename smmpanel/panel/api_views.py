"""The API page: the customer's key (shown once, regenerated on confirmation) and the docs."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel import publicurl
from smmpanel.accounts.keys import issue_api_key
from smmpanel.accounts.models import Account
from smmpanel.panel import api_docs
from smmpanel.panel.account_views import NEW_KEY_SESSION
from smmpanel.panel.customer import customer_required
from smmpanel.panel.webhook_views import webhook_context

PLACEHOLDER_KEY = "YOUR_API_KEY"


@customer_required
def api_access(request: HttpRequest, account: Account) -> HttpResponse:
    # A key made a moment ago (sign-up or regeneration) is shown this once, then forgotten.
    new_key = request.session.pop(NEW_KEY_SESSION, None)
    url = publicurl.absolute("/api/v2")
    sample_key = new_key or PLACEHOLDER_KEY
    actions = [
        {
            "action": action,
            "curl": api_docs.curl(action, url, sample_key),
            "php": api_docs.php(action, url, sample_key),
            "python": api_docs.python(action, url, sample_key),
        }
        for action in api_docs.ACTIONS
    ]
    return render(
        request,
        "panel/api.html",
        {
            "new_key": new_key,
            "hint": account.api_key_hint,
            "url": url,
            "actions": actions,
            "errors": api_docs.ERRORS,
            **webhook_context(request, account),
        },
    )


@require_POST
@customer_required
def regenerate_key(request: HttpRequest, account: Account) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm: the old key stops working."))
        return redirect("panel:api_access")
    request.session[NEW_KEY_SESSION] = issue_api_key(account=account)
    messages.warning(request, _("A new API key was made; the old one no longer works."))
    return redirect("panel:api_access")
