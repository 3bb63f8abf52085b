"""The API v2 endpoint: one view that dispatches on `action`.

It translates and decides nothing: a request of any dialect becomes a call of a domain operation,
and the result or the domain's error becomes the protocol's reply. Errors are HTTP 200 with
`{"error": "…"}`, as clients expect; replies are always JSON, whatever goes wrong.
"""

import logging
from time import perf_counter

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from smmpanel import ratelimit
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.keys import authenticate_key
from smmpanel.api import dialect
from smmpanel.api.actions import ACTIONS, ALONG
from smmpanel.api.errors import (
    INCORRECT_REQUEST,
    INTERNAL_ERROR,
    PROTOCOL,
    TOO_MANY_REQUESTS,
    wording,
)
from smmpanel.errors import DomainError
from smmpanel.monitoring import metrics
from smmpanel.versions import cache as versions

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json; charset=utf-8"
# A refused request's body is read to its end, up to this size, before the reply: the server
# closes a connection it answered with a body still coming, and the client, still sending, then
# meets a reset and may never read the reply.
DRAIN_LIMIT = 16 * 1024 * 1024


class ApiResponse(HttpResponse):
    """A reply of the API, with its outcome for the metrics (a reply unless it says otherwise)."""

    outcome = metrics.OK


def json_response(reply: object, status: int = 200) -> ApiResponse:
    body = reply if isinstance(reply, bytes) else orjson.dumps(reply)
    return ApiResponse(body, content_type=CONTENT_TYPE, status=status)


def error_response(message: str, status: int = 200) -> ApiResponse:
    response = json_response({"error": message}, status=status)
    response.outcome = metrics.FAILED if status >= 500 else metrics.ERROR
    return response


def too_many_requests() -> ApiResponse:
    response = error_response(TOO_MANY_REQUESTS, status=settings.RATE_LIMIT_STATUS)
    response.outcome = metrics.RATE_LIMITED
    return response


KNOWN_ACTIONS = frozenset(ACTIONS)


# Error reports (and the debug page) never show the key, whichever way it came.
@csrf_exempt
@sensitive_post_parameters("key", "password")
def endpoint(request: HttpRequest) -> HttpResponse:
    """Answer the request, and count it by action and outcome with its time (`/metrics`)."""
    started = perf_counter()
    response = _answer(request)
    metrics.observe_api_request(
        getattr(request, "api_action", ""),
        response.outcome,
        perf_counter() - started,
        KNOWN_ACTIONS,
    )
    return response


@sensitive_variables("api_request")
def _answer(request: HttpRequest) -> ApiResponse:
    if not ratelimit.allow_api_ip(request):
        return too_many_requests()
    try:
        api_request = dialect.parse(request)
    except dialect.DialectError:
        _drain(request)
        return error_response(INCORRECT_REQUEST)
    request.api_action = api_request.action  # type: ignore[attr-defined]
    # The protocol's wordings are English whatever language the panel pages use. English is left
    # active in this thread: every page request activates its own language (PanelLocaleMiddleware),
    # and activating costs less than overriding and restoring.
    translation.activate("en")
    # The key's lookup reads the versions of the cached things too, for the whole request; the
    # key's rate limit (from the settings) is checked after it, and before its verdict. One
    # function, one `try`: this runs for every request, and each layer costs.
    with versions.scope():
        try:
            # What the action reads of the account's rows, read with its key where it can be.
            read_along = ALONG.get(api_request.action)
            along = read_along(api_request.params) if read_along is not None else None
            try:
                account = authenticate_key(api_request.key, along)
            except AccountError as error:
                refused: AccountError | None = error
            else:
                refused = None
            if api_request.key and not ratelimit.allow_api_key(api_request.key):
                return too_many_requests()
            if refused is not None:
                return error_response(wording(refused))
            action = ACTIONS.get(api_request.action)
            if action is None:
                return error_response(INCORRECT_REQUEST)
            if along is not None:
                return json_response(action(account, api_request.params, along))
            return json_response(action(account, api_request.params))
        except DomainError as error:
            if error.code in PROTOCOL:
                return error_response(wording(error))
            logger.exception(
                "API action %r: no protocol wording for %r", api_request.action, error.code
            )
            return error_response(INTERNAL_ERROR, status=500)
        except Exception:
            logger.exception("API action %r failed", api_request.action)
            return error_response(INTERNAL_ERROR, status=500)


def ceiling(request: HttpRequest) -> HttpResponse:
    """The benchmark's ceiling (SMMPANEL_BENCH_CEILING): a bare view answering a constant JSON
    object, at /api/bench/ceiling through the whole middleware (bench/api.py's yardstick, as
    it always was), and at /api/bench/lane through the API's lane (api/middleware.py)."""
    return json_response({"balance": "100.84292", "currency": "USD"})


def _drain(request: HttpRequest) -> None:
    """Read what is left of the body (see DRAIN_LIMIT); nothing when it is larger than that."""
    stream = getattr(request, "_stream", None)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if stream is None or length > DRAIN_LIMIT:
        return
    while stream.read(64 * 1024):
        pass


# The API paths (API v2's, the Admin API's) answer JSON even when Django itself refuses a
# request; other pages keep Django's.
def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(("/api", "/adminapi"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return error_response(INCORRECT_REQUEST, status=400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return error_response(INCORRECT_REQUEST, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return error_response(INTERNAL_ERROR, status=500)
    return defaults.server_error(request)
