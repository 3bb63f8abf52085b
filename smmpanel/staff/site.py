"""The back-office's admin site: log-in throttled per address, TOTP for staff who enrolled."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django_otp import user_has_device

from smmpanel import ratelimit
from smmpanel.staff.forms import StaffLoginForm

TOO_MANY_ATTEMPTS = "Too many log-in attempts. Please wait a minute and try again."


class StaffAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    # django-otp's log-in page: the admin's, with the token field.
    login_template = "otp/admin111/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Staff who enrolled a TOTP device are only let in by a session verified with it."""
        user = request.user
        if not super().has_permission(request):
            return False
        return user.is_verified() or not user_has_device(user)  # type: ignore[union-attr]

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if request.method == "POST" and not ratelimit.allow_login(request):
            return HttpResponse(TOO_MANY_ATTEMPTS, status=429, content_type="text/plain")
        return super().login(request, extra_context)
