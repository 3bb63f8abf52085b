"""The operator's own Admin API key: whether one is issued, and a new one on request (shown
once, the old one refused from then on). The decision is `adminapi.keys.issue_staff_key`."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from smmpanel.adminapi.keys import issue_staff_key
from smmpanel.adminapi.models import StaffApiKey
from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page


def _user_id(request: HttpRequest) -> int:
    assert request.user.pk is not None  # staff_required: a signed-in user
    return int(request.user.pk)


def _page(request: HttpRequest, new_key: str = "") -> HttpResponse:
    return render_page(
        request,
        "backoffice/admin_api_key.html",
        "admin_api",
        current=StaffApiKey.objects.filter(user_id=_user_id(request)).first(),
        new_key=new_key,
        endpoint=request.build_absolute_uri("/adminapi/v2"),
        description=request.build_absolute_uri("/adminapi/v2/openapi.json"),
    )


@staff_required()
def admin_api_key(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@staff_required()
def admin_api_key_issue(request: HttpRequest) -> HttpResponse:
    _, key = issue_staff_key(user_id=_user_id(request), acting_user=Actor.of_request(request))
    # Rendered, not redirected: this response is the one time the key is shown.
    response = _page(request, new_key=key)
    response["Cache-Control"] = "no-store"
    return response
