"""The OpenAPI 3 description of the Admin API endpoint, shipped beside this module."""

from functools import cache
from pathlib import Path

from django.http import HttpRequest, HttpResponse

PATH = Path(__file__).with_name("openapi.json")


@cache
def _body() -> bytes:
    return PATH.read_bytes()


def document(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_body(), content_type="application/json; charset=utf-8")
