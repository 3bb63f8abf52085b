"""The API v2 endpoint: one view that dispatches on `action`.

It translates and decides nothing: a request of any dialect becomes a call of a domain operation,
and the result or the domain's error becomes the protocol's reply. Errors are HTTP 200 with
`{"error": "…"}`, as clients expect; replies are always JSON, whatever goes wrong.
"""

import logging

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.keys import authenticate_key
from smmpanel.api import dialect
from smmpanel.api.actions import ACTIONS, MAX_IDS, TooManyIds
from smmpanel.orders.errors import OrderError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json; charset=utf-8"
INCORRECT_REQUEST = "Incorrect request"
TOO_MANY_IDS = f"Too many IDs: maximum is {MAX_IDS}"


def json_response(reply: object, status: int = 200) -> HttpResponse:
    body = reply if isinstance(reply, bytes) else orjson.dumps(reply)
    return HttpResponse(body, content_type=CONTENT_TYPE, status=status)


def error_response(message: str, status: int = 200) -> HttpResponse:
    return json_response({"error": message}, status=status)


@csrf_exempt
def endpoint(request: HttpRequest) -> HttpResponse:
    try:
        api_request = dialect.parse(request)
    except dialect.DialectError:
        return error_response(INCORRECT_REQUEST)
    # The protocol's wordings are English whatever language the panel pages use.
    with translation.override("en"):
        try:
            account = authenticate_key(api_request.key)
            action = ACTIONS.get(api_request.action)
            if action is None:
                return error_response(INCORRECT_REQUEST)
            return json_response(action(account, api_request.params))
        except (AccountError, OrderError) as error:
            return error_response(error.message)
        except TooManyIds:
            return error_response(TOO_MANY_IDS)
        except Exception:
            logger.exception("API action %r failed", api_request.action)
            return error_response("Internal error, please try again later", status=500)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(INCORRECT_REQUEST, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response("Internal error, please try again later", status=500)
