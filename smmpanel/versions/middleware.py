"""Pages read the versions of the cached things once: a GET or HEAD request is one
`versions.scope` (it changes nothing cached; other methods read them on each use, so that a
page shown after a change of the settings in the same request shows the change)."""

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from smmpanel.versions import cache as versions


class VersionsScope:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with versions.scope():
            return self.get_response(request)
