"""Customer two-factor log-in on the web: the code asked after the password, and turning it on
(scan the QR code, confirm a code, keep the recovery codes) or off in the profile. The rules
and the audit entries are `accounts.two_factor`'s; these pages parse, call and show."""

import base64
import time

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmpanel.accounts import login_limits, two_factor
from smmpanel.accounts.errors import TwoFactorError, TwoFactorErrorCode
from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor
from smmpanel.panel.customer import customer_required

# The user whose password was right, waiting for the code (in the server-side session).
PENDING = "panel_two_factor_pending"
PENDING_MAX_AGE = 5 * 60


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy("6 digits from the authenticator app, or a recovery code."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


def ask_for_code(request: HttpRequest, user: AbstractBaseUser, next_url: str) -> HttpResponse:
    """The password was right and the user has two-factor log-in: remember who, ask the code."""
    request.session[PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "at": int(time.time()),
    }
    return redirect("login_code")


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of the log-in. Wrong codes are slowed down by each device's throttle
    (django-otp doubles the wait after each failure); the step expires after five minutes."""
    pending = request.session.get(PENDING)
    user = None
    if isinstance(pending, dict) and time.time() - pending.get("at", 0) <= PENDING_MAX_AGE:
        user_pk = pending.get("user")
        if isinstance(user_pk, int):
            user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    if user is None or not isinstance(pending, dict):
        request.session.pop(PENDING, None)
        messages.info(request, _("Log in again: the log-in took too long."))
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify(user, form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            response = redirect(pending["next"])
            login_limits.trust_browser(response, request, user.get_username())
            return response
        form.add_error("code", TwoFactorError(TwoFactorErrorCode.WRONG_CODE).message)
    return render(
        request, "panel/auth/login_code.html", {"form": form}, status=400 if form.errors else 200
    )


def _qr_svg(text: str) -> SafeString:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - made here, no input markup


def _setup(device: TOTPDevice) -> dict:
    return {
        "qr": _qr_svg(device.config_url),
        "secret": base64.b32encode(device.bin_key).decode(),
    }


@customer_required
def two_factor_page(request: HttpRequest, account: Account) -> HttpResponse:
    actor = Actor.of_request(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = CodeForm(request.POST if action in ("confirm", "off", "codes") else None)
    codes: list[str] = []
    try:
        if action == "start":
            two_factor.start(account=account, acting_user=actor)
            return redirect("panel:two_factor")
        if action in ("confirm", "off", "codes") and form.is_valid():
            token = form.cleaned_data["code"]
            if action == "confirm":
                codes = two_factor.confirm(account=account, token=token, acting_user=actor)
                messages.success(request, _("Two-factor log-in is on."))
            elif action == "codes":
                codes = two_factor.new_recovery_codes(
                    account=account, token=token, acting_user=actor
                )
                messages.success(
                    request, _("New recovery codes made; the old ones no longer work.")
                )
            else:
                two_factor.turn_off(account=account, token=token, acting_user=actor)
                messages.success(request, _("Two-factor log-in is off."))
                return redirect("panel:two_factor")
    except TwoFactorError as error:
        form.add_error(
            "code" if error.code == TwoFactorErrorCode.WRONG_CODE else None, error.message
        )
    user = account.user
    context: dict = {
        "on": two_factor.is_on(user),
        "form": form,
        "action": action,
        "codes": codes,
        "codes_left": two_factor.recovery_codes_left(user),
    }
    waiting = two_factor.waiting_device(account) if not context["on"] else None
    if waiting is not None:
        context.update(waiting=True, **_setup(waiting))
    status = 400 if form.errors else 200
    return render(request, "panel/two_factor.html", context, status=status)
