"""The Admin API endpoint: one view that dispatches on `action`, as API v2's does.

The request is read by API v2's dialect parser (form, multipart, JSON, GET or POST; the key as
`key`, `X-Api-Key` or `Authorization: Bearer`); the key names a staff user, whose role must hold
the action's permissions, and who is the acting user of every domain action it calls. Errors are
HTTP 200 with `{"error": "…"}`, as API v2's.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from smmpanel import ratelimit
from smmpanel.adminapi.actions import ACTIONS
from smmpanel.adminapi.errors import AdminApiError, AdminApiErrorCode
from smmpanel.adminapi.keys import authenticate_staff_key
from smmpanel.adminapi.wordings import (
    INCORRECT_REQUEST,
    INTERNAL_ERROR,
    TOO_MANY_REQUESTS,
    WORDINGS,
    wording,
)
from smmpanel.api import dialect
from smmpanel.api.views import error_response, json_response
from smmpanel.audit.log import Actor, client_ip
from smmpanel.errors import DomainError

logger = logging.getLogger(__name__)


@csrf_exempt
@sensitive_post_parameters("key")
@sensitive_variables("api_request", "key")
def endpoint(request: HttpRequest) -> HttpResponse:
    if not ratelimit.allow_api_ip(request):
        return error_response(TOO_MANY_REQUESTS, status=settings.RATE_LIMIT_STATUS)
    try:
        api_request = dialect.parse(request)
    except dialect.DialectError:
        return error_response(INCORRECT_REQUEST)
    translation.activate("en")  # the wordings are English; each page activates its own language
    key = api_request.key or request.headers.get("X-Api-Key", "").strip() or None
    try:
        # The key's limit is counted before its verdict, as API v2 counts it: a script trying
        # keys is limited too.
        if key and not ratelimit.allow_api_key(key):
            return error_response(TOO_MANY_REQUESTS, status=settings.RATE_LIMIT_STATUS)
        user = authenticate_staff_key(key)
        action = ACTIONS.get(api_request.action)
        if action is None:
            return error_response(INCORRECT_REQUEST)
        if not all(user.has_perm(permission) for permission in action.permissions):
            raise AdminApiError(AdminApiErrorCode.NOT_ALLOWED)
        actor = Actor.of_user(user, ip=client_ip(request))
        return json_response(action.call(actor, api_request.params))
    except DomainError as error:
        if error.code in WORDINGS:
            return error_response(wording(error))
        logger.exception("Admin API %r: no wording for %r", api_request.action, error.code)
        return error_response(INTERNAL_ERROR, status=500)
    except Exception:
        logger.exception("Admin API action %r failed", api_request.action)
        return error_response(INTERNAL_ERROR, status=500)
