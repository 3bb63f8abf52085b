"""Log-in throttling that counts failed log-ins, not attempts, and does not lock the owner out.

Used by the customers' log-in and the staff's. Three limits, each over failures only (a correct
password adds nothing), in the shared cache (django-ratelimit's counters):

- per username and address: strict. That address may not try that name again for the window,
  not even with the right password (else it could go on guessing).
- per address, whatever the name: strict, against one address trying many accounts.
- per username, from every address: stops guessing spread over many addresses. Over it, only a
  browser that has logged in as that user before, or reset the password by e-mail, may still try
  (a signed "device cookie", OWASP's defence against distributed guessing); other browsers are
  refused until the window ends. So wrong passwords sent from anywhere never keep the owner out
  of their usual browser, and a reset by e-mail lets them in from a new one.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signing
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from smmpanel.ratelimit import client_ip

DEVICE_COOKIE = "smmpanel_login_device"
DEVICE_SALT = "smmpanel.accounts.login-device"
DEVICE_MAX_AGE = 365 * 24 * 3600
# The users a browser is known for: the latest few who logged in with it.
DEVICE_USERS = 5

ACCOUNT_LOCKED = _(
    "Too many failed log-ins for this account. Log in from a browser you have used before, try "
    "again later, or reset your password by e-mail."
)

# Why an attempt is refused before its password is checked.
BY_ADDRESS = "address"
BY_ACCOUNT = "account"


def _normal(username: str) -> str:
    return username.strip().lower()[:254]


def _active(rate: str) -> bool:
    return rate.strip() not in ("", "0")


@dataclass
class LoginAttempt:
    """One POST to a log-in page: `refused()` before checking it, `record()` after."""

    request: HttpRequest
    scope: str  # "panel" or "staff": their counts are apart
    name_rate: str  # failures per username and address
    address_rate: str  # failures per address
    account_rate: str  # failures per username from everywhere

    @property
    def username(self) -> str:
        return _normal(self.request.POST.get("username", ""))

    def _limits(self) -> list[tuple[str, str, str, str]]:
        """(reason, group, rate, counted value) of each limit."""
        address = client_ip(self.request)
        return [
            (BY_ADDRESS, "name", self.name_rate, f"{self.username}|{address}"),
            (BY_ADDRESS, "address", self.address_rate, address),
            (BY_ACCOUNT, "account", self.account_rate, self.username),
        ]

    def _over(self, group: str, rate: str, value: str, increment: bool) -> bool:
        usage = get_usage(
            self.request,
            group=f"login:{self.scope}:{group}",
            key=lambda group, request: value,
            rate=rate,
            method="POST",
            increment=increment,
        )
        return usage is not None and usage["count"] >= usage["limit"]

    def refused(self) -> str | None:
        """BY_ADDRESS or BY_ACCOUNT when this attempt may not be checked at all, else None."""
        for reason, group, rate, value in self._limits():
            if not _active(rate) or not self._over(group, rate, value, increment=False):
                continue
            if reason == BY_ACCOUNT and self.username in known_users(self.request):
                continue  # the owner's browser: only its own address's limits apply
            return reason
        return None

    def record(self, response: HttpResponse) -> None:
        """Count a failure; after a success, remember the browser for this user."""
        user = getattr(self.request, "_logged_in_user", None)
        if user is not None:
            trust_browser(response, self.request, user.get_username())
            return
        for _reason, group, rate, value in self._limits():
            if _active(rate):
                self._over(group, rate, value, increment=True)


@receiver(user_logged_in)
def _mark_success(sender: object, request: HttpRequest | None, user: object, **kwargs: object):
    # How LoginAttempt.record tells a success from a failure, whatever form the page used.
    if request is not None:
        request._logged_in_user = user  # type: ignore[attr-defined]


def known_users(request: HttpRequest) -> list[str]:
    """The users who logged in (or reset their password) with this browser lately."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        names = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except signing.BadSignature:
        return []
    return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def trust_browser(response: HttpResponse, request: HttpRequest, username: str) -> None:
    """Mark this browser as one `username` uses (a signed cookie, renewed at each log-in)."""
    name = _normal(username)
    names = [name, *(known for known in known_users(request) if known != name)][:DEVICE_USERS]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(names, salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def customer_attempt(request: HttpRequest) -> LoginAttempt:
    return LoginAttempt(
        request,
        scope="panel",
        name_rate=settings.RATE_LIMIT_PANEL_NAME,
        address_rate=settings.RATE_LIMIT_PANEL_ADDRESS,
        account_rate=settings.RATE_LIMIT_LOGIN_ACCOUNT,
    )


def staff_attempt(request: HttpRequest) -> LoginAttempt:
    return LoginAttempt(
        request,
        scope="staff",
        # Staff log-ins from one address: one limit, whatever the name.
        name_rate="0",
        address_rate=settings.RATE_LIMIT_LOGIN,
        account_rate=settings.RATE_LIMIT_LOGIN_ACCOUNT,
    )
