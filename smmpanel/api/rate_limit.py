"""The operator's limit on API requests per minute and key (django-ratelimit, on the default
cache: per process with the local-memory cache, shared when the cache is Redis)."""

from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from smmpanel.accounts.models import Account
from smmpanel.configuration.current import current

TOO_MANY_REQUESTS = "Too many requests"


def over_limit(request: HttpRequest, account: Account) -> bool:
    """Count this request against the account's minute; True when it is over the limit."""
    limit = current().api_requests_per_minute
    if not limit:
        return False
    return is_ratelimited(
        request,
        group="api",
        key=lambda group, request: str(account.pk),
        rate=f"{limit}/m",
        method=ALL,
        increment=True,
    )
