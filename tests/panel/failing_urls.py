"""The panel's URLs and a page that fails, to see the 500 page (tests/panel/test_error_pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from smmpanel.urls import handler404, handler500
from smmpanel.urls import urlpatterns as panel_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def broken_context(request: HttpRequest) -> dict:
    """A context processor that fails, as one reading a database that is down would."""
    raise RuntimeError("the database is down")


urlpatterns = [path("fails/", fails), *panel_urlpatterns]
