"""API v2's requests skip the pages' middleware.

The API answers JSON to a key: its view reads no session, cookie, user, language or message, and
is exempt from CSRF. The pages' middleware (sessions, language, CSRF, log-in, TOTP, preferences,
messages, versions' scope) would cost each request about a third of its time and change nothing
in the reply. Placed right after SecurityMiddleware (the https redirect and its headers), this
middleware answers the API's paths itself, through the two middleware whose work the reply
carries, in their order of `MIDDLEWARE`: CommonMiddleware (the host check, Content-Length) and
XFrameOptionsMiddleware (its header). Every other path goes on through the whole chain.

`LaneHandler`, the panel's WSGI application, does the same for Django's request signals: for the
lane's paths it runs their receivers' work itself, each once, rather than dispatching the
signals (request_started and request_finished, whose dispatch and doubled connection check cost
an API request as much as its read of the key). `RECEIVERS` names the receivers whose work that
is; tests/api/test_lane.py fails when the signals gain another, so that it is not skipped unseen.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import close_caches
from django.core.cache.backends.base import BaseCache
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler, get_script_name
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.urls import set_script_prefix, set_urlconf
from django.utils.module_loading import import_string

from smmpanel.api import floors, views

# The paths of `urls.py`'s pattern `^api(?:/v2)?/?$` (it stays there for `reverse("api")`).
PATHS = ("/api", "/api/", "/api/v2", "/api/v2/")
# bench/api.py's second ceiling: its bare view through this lane (its first ceiling, the
# yardstick of its ratios, goes through the whole middleware as it always has).
LANE_CEILING = "/api/bench/lane"
# bench/api.py's views on this lane (with SMMPANEL_BENCH_CEILING only): that ceiling, and the
# actions' floors (api/floors.py).
BENCH_VIEWS: dict[str, Callable[[HttpRequest], HttpResponseBase]] = {
    LANE_CEILING: views.ceiling,
    floors.ADD_FLOOR: floors.add_floor,
    floors.STATUS_FLOOR: floors.status_floor,
}


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
            for path, view in BENCH_VIEWS.items():
                self.lanes[path] = _through_middleware(view)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        lane = self.lanes.get(request.path_info)
        if lane is None:
            return self.get_response(request)
        return lane(request)


# The receivers of Django's request signals, by signal, whose work `LaneHandler` does itself.
RECEIVERS = {
    "request_started": {"django.db.reset_queries", "django.db.close_old_connections"},
    "request_finished": {
        "django.db.close_old_connections",
        "django.core.cache.close_caches",
        "django.core.handlers.base.reset_urlconf",
    },
}


class LaneHandler(WSGIHandler):
    """Django's WSGIHandler; for the lane's paths, without sending the request signals."""

    def __init__(self) -> None:
        super().__init__()
        self.lane_paths = frozenset(PATHS + (tuple(BENCH_VIEWS) if settings.BENCH_CEILING else ()))
        # close_caches closes each cache whose backend has something to close: neither the
        # database's nor Redis's has (BaseCache.close does nothing), memcached's has.
        self.caches_to_close = any(
            import_string(str(cache["BACKEND"])).close is not BaseCache.close
            for cache in settings.CACHES.values()
        )

    # Its reply is a WSGI body, as Django's handler's is (its stubs say HttpResponseBase).
    def __call__(  # type: ignore[override]
        self, environ: dict, start_response: Callable
    ) -> Iterable[bytes]:
        # PATH_INFO is the request's `path_info` (for these ASCII paths, the same text).
        if environ.get("PATH_INFO") not in self.lane_paths:
            return super().__call__(environ, start_response)
        set_script_prefix(get_script_name(environ))
        try:
            response = self.get_response(self.request_class(environ))
        finally:
            # The receivers' work, at the end of the request (here its body is already made,
            # bytes), in one pass over the connections: a request begins where the previous one
            # on this thread ended. request_started's reset_queries and close_old_connections,
            # then request_finished's close_old_connections (once: the same check), close_caches
            # and reset_urlconf.
            for connection in connections.all(initialized_only=True):
                connection.queries_log.clear()
                connection.close_if_unusable_or_obsolete()
            if self.caches_to_close:
                close_caches()
            set_urlconf(None)
        body: Iterable[bytes]
        if isinstance(response, HttpResponse):
            body = [response.content]
        else:  # streaming (none of the lane's replies is): closed as Django's handler's are
            response._handler_class = WSGIHandler  # type: ignore[attr-defined]
            body = response
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [
                *response.items(),
                *(("Set-Cookie", c.output(header="")) for c in response.cookies.values()),
            ],
        )
        return body
