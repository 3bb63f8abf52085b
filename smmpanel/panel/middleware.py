"""Language and time zone of a page. API paths skip both: the API speaks English, in UTC."""

import contextlib
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation

from smmpanel.accounts.models import Account
from smmpanel.configuration.current import current


def is_api(request: HttpRequest) -> bool:
    """The API's paths (`/api`, `/api/`, `/api/v2`, …), not pages like `/api-access/`."""
    path = request.path_info
    return path == "/api" or path.startswith("/api/")


class PanelLocaleMiddleware(LocaleMiddleware):
    """Django's choice of language (cookie, then Accept-Language), for the pages only."""

    def process_request(self, request: HttpRequest) -> None:
        if not is_api(request):
            super().process_request(request)
            offered = current().languages  # the operator may offer fewer than LANGUAGES
            if translation.get_language() not in offered:
                translation.activate(offered[0])
                request.LANGUAGE_CODE = offered[0]

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if is_api(request):
            return response
        return super().process_response(request, response)


class CustomerPreferencesMiddleware:
    """A logged-in customer's profile decides the language and the time zone of the pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if is_api(request) or not request.user.is_authenticated:
            return self.get_response(request)
        account = Account.objects.filter(user=request.user).first()
        request.account = account  # type: ignore[attr-defined]
        if account is not None:
            if account.language and account.language in current().languages:
                translation.activate(account.language)
                request.LANGUAGE_CODE = account.language
            with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.activate(zoneinfo.ZoneInfo(account.timezone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
