"""The staff log-in (failed log-ins throttled, TOTP for staff who enrolled), and the Django admin
behind it: a read-only inspector for superusers (see staff/inspector.py)."""

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp import user_has_device

from smmpanel.accounts import login_limits
from smmpanel.staff.forms import StaffLoginForm

TOO_MANY_ATTEMPTS = "Too many log-in attempts. Please wait a minute and try again."


class StaffAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    # django-otp's log-in page: the admin's, with the token field.
    login_template = "otp/admin111/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Only superusers inspect the tables; the other staff work in the back-office, and log
        out (the back-office's button) and change their password here."""
        if not self.signed_in_staff(request):
            return False
        return bool(request.user.is_superuser) or request.path in self._every_staff_paths()

    def _every_staff_paths(self) -> set[str]:
        names = ("logout", "password_change", "password_change_done")
        return {reverse(f"{self.name}:{name}", current_app=self.name) for name in names}

    def signed_in_staff(self, request: HttpRequest) -> bool:
        """Staff who enrolled a TOTP device are only let in by a session verified with it."""
        user = request.user
        if not super().has_permission(request):
            return False
        return user.is_verified() or not user_has_device(user)  # type: ignore[union-attr]

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # Operators work in the back-office: the log-in lands there unless it was sent elsewhere.
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            if request.method == "GET" and self.signed_in_staff(request):
                return HttpResponseRedirect(reverse("backoffice:dashboard"))
            extra_context = {
                **(extra_context or {}),
                REDIRECT_FIELD_NAME: reverse("backoffice:dashboard"),
            }
        if request.method != "POST":
            return super().login(request, extra_context)
        # Failed log-ins are counted, not attempts (see accounts.login_limits).
        attempt = login_limits.staff_attempt(request)
        if refused := attempt.refused():
            message = (
                str(login_limits.ACCOUNT_LOCKED)
                if refused == login_limits.BY_ACCOUNT
                else TOO_MANY_ATTEMPTS
            )
            return HttpResponse(message, status=429, content_type="text/plain")
        response = super().login(request, extra_context)
        attempt.record(response)
        return response
