"""Sign-up and password-reset throttling (django-ratelimit on the default cache): by client
address and by the username or e-mail tried, so that neither one address nor one target can be
hammered. The log-in counts failures instead: smmpanel.accounts.login_limits. `counted_over` is
the one limit of a kind of request that an operator may turn off: new tickets, referral visits."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import ALL, is_ratelimited

from smmpanel.ratelimit import client_ip


def _address(group: str, request: HttpRequest) -> str | None:
    # The client's address as the API's limits see it (behind a proxy too).
    return client_ip(request)


def _name_key(field: str):
    def key(group: str, request: HttpRequest) -> str:
        return request.POST.get(field, "").strip().lower()[:254]

    return key


def too_many_attempts(request: HttpRequest, *, group: str, name_field: str) -> bool:
    """Count this POST and say whether its address or its name is over the limit."""
    by_address = is_ratelimited(
        request,
        group=f"{group}:ip",
        key=_address,
        rate=settings.RATE_LIMIT_PANEL_ADDRESS,
        method="POST",
        increment=True,
    )
    by_name = is_ratelimited(
        request,
        group=f"{group}:name",
        key=_name_key(name_field),
        rate=settings.RATE_LIMIT_PANEL_NAME,
        method="POST",
        increment=True,
    )
    return bool(by_address or by_name)


def too_many_visits(request: HttpRequest) -> bool:
    """Count this opening of a referral link and say whether its address is over
    SMMPANEL_RATE_LIMIT_REFERRAL_VISITS: a script opening links in a loop would otherwise add a
    visit row and a point to an affiliate's figures at every request."""
    return counted_over(
        request, group="affiliates:visit", key=_address, rate=settings.RATE_LIMIT_REFERRAL_VISITS
    )


def counted_over(
    request: HttpRequest,
    *,
    group: str,
    key: Callable[[str, HttpRequest], str | None],
    rate: str,
    method: object = ALL,
) -> bool:
    """Count this request in `group` and say whether its `key` is over `rate` (django-ratelimit's
    N/period, on the default cache; "" or "0": no limit). Requests of other methods are neither
    counted nor limited."""
    if rate.strip() in ("", "0"):
        return False
    return bool(
        is_ratelimited(request, group=group, key=key, rate=rate, method=method, increment=True)
    )
