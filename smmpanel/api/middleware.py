"""API v2's requests skip the pages' middleware.

The API answers JSON to a key: its view reads no session, cookie, user, language or message, and
is exempt from CSRF. The pages' middleware (sessions, language, CSRF, log-in, TOTP, preferences,
messages, versions' scope) would cost each request about a third of its time and change nothing
in the reply. Placed right after SecurityMiddleware (the https redirect and its headers), this
middleware answers the API's paths itself, through the two middleware whose work the reply
carries, in their order of `MIDDLEWARE`: CommonMiddleware (the host check, Content-Length) and
XFrameOptionsMiddleware (its header). Every other path goes on through the whole chain.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware

from smmpanel.api import views

# The paths of `urls.py`'s pattern `^api(?:/v2)?/?$` (it stays there for `reverse("api")`).
PATHS = ("/api", "/api/", "/api/v2", "/api/v2/")
# bench/api.py's second ceiling: its bare view through this lane (its first ceiling, the
# yardstick of its ratios, goes through the whole middleware as it always has).
LANE_CEILING = "/api/bench/lane"


def _through_middleware(view: Callable[[HttpRequest], HttpResponseBase]) -> Callable:
    # As Django's handler builds its chain: each layer turns an exception into a response.
    inner = convert_exception_to_response(view)
    inner = convert_exception_to_response(XFrameOptionsMiddleware(inner))
    return CommonMiddleware(inner)


class ApiLane:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.lanes = dict.fromkeys(PATHS, _through_middleware(views.endpoint))
        if settings.BENCH_CEILING:
            self.lanes[LANE_CEILING] = _through_middleware(views.ceiling)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        lane = self.lanes.get(request.path_info)
        if lane is None:
            return self.get_response(request)
        return lane(request)
