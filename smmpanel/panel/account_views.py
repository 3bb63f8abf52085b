"""Sign-up, log-in, e-mail verification, password reset, profile and the language switch."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smmpanel import publicurl
from smmpanel.accounts import login_limits, two_factor
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import Account
from smmpanel.accounts.registration import create_account
from smmpanel.configuration.current import current
from smmpanel.notifications.views import profile_context
from smmpanel.panel import affiliate_views
from smmpanel.panel.account_forms import ProfileForm, SignupForm
from smmpanel.panel.customer import customer_required
from smmpanel.panel.throttle import too_many_attempts
from smmpanel.panel.two_factor_views import ask_for_code

VERIFY_SALT = "smmpanel.panel.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600
# The API key made at sign-up, kept in the session until the API page shows it once.
NEW_KEY_SESSION = "panel_new_api_key"


def _too_many(
    request: HttpRequest, template: str, form: object, error: str | None = None
) -> HttpResponse:
    error = error or _("Too many attempts. Wait a few minutes and try again.")
    return render(request, template, {"form": form, "throttled": error}, status=429)


class LoginView(auth_views.LoginView):
    template_name = "panel/auth/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # Failed log-ins are counted, not attempts (see accounts.login_limits).
        attempt = login_limits.customer_attempt(request)
        if refused := attempt.refused():
            error = str(login_limits.ACCOUNT_LOCKED) if refused == login_limits.BY_ACCOUNT else None
            return _too_many(request, self.template_name, self.get_form(), error)
        response = super().post(request, *args, **kwargs)
        if not getattr(request, "_password_right", False):
            # A right password waiting for its code is not a failure (nor a log-in yet).
            attempt.record(response)
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if two_factor.is_on(user):
            self.request._password_right = True  # type: ignore[attr-defined]
            return ask_for_code(self.request, user, self.get_success_url())
        return super().form_valid(form)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "panel/auth/password_reset.html"
    email_template_name = "panel/auth/password_reset_email.txt"
    subject_template_name = "panel/auth/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # The link's address comes from SMMPANEL_PUBLIC_URL: Django's default takes the
        # request's Host header, which lets anyone mail a victim's token to their own host.
        publicurl.require()
        self.domain_override = urlsplit(settings.PUBLIC_URL).netloc
        self.extra_email_context = {"public_url": settings.PUBLIC_URL}
        return super().form_valid(form)

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if too_many_attempts(request, group="password-reset", name_field="email"):
            return _too_many(request, self.template_name, self.get_form())
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "panel/auth/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever opened the e-mailed link owns the account: this browser may log in even while
        # the account is locked for guessing from elsewhere.
        login_limits.trust_browser(response, self.request, form.user.get_username())
        return response


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("panel:new_order")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if too_many_attempts(request, group="signup", name_field="username"):
            return _too_many(request, "panel/auth/signup.html", form)
        if form.is_valid():
            try:
                account, key = create_account(
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    email=form.cleaned_data["email"],
                )
            except AccountError as error:
                form.add_error("username", error.message)
            else:
                response = _signed_up(request, account, key)
                affiliate_views.tie_signup(request, response, account)
                return response
    return render(request, "panel/auth/signup.html", {"form": form})


def _signed_up(request: HttpRequest, account: Account, key: str) -> HttpResponse:
    user = account.user
    if settings.EMAIL_VERIFICATION:
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
        _send_verification(request, user)
        return render(request, "panel/auth/verify_sent.html", {"email": user.email})
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[NEW_KEY_SESSION] = key
    messages.success(request, _("Welcome! Your account is ready."))
    return redirect("panel:new_order")


def _send_verification(request: HttpRequest, user) -> None:
    token = signing.TimestampSigner(salt=VERIFY_SALT).sign(str(user.pk))
    link = publicurl.absolute(reverse("verify_email", args=[token]))
    send_mail(
        _("Confirm your e-mail address"),
        _("Open this link to confirm your e-mail address and log in:\n\n%(link)s\n")
        % {"link": link},
        None,
        [user.email],
    )


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user_pk = signing.TimestampSigner(salt=VERIFY_SALT).unsign(token, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return render(request, "panel/auth/verify_failed.html", status=400)
    user = get_user_model().objects.filter(pk=user_pk).first()
    if user is None:
        return render(request, "panel/auth/verify_failed.html", status=400)
    if user.is_active:
        # The link logs in once, when it confirms the address; after that it is only a link.
        messages.info(request, _("Your e-mail address is already confirmed; log in."))
        return redirect("login")
    get_user_model().objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
    return redirect("panel:new_order")


@customer_required
def profile(request: HttpRequest, account: Account) -> HttpResponse:
    user = account.user
    initial = {"email": user.email, "timezone": account.timezone, "language": account.language}
    form = ProfileForm(request.POST or None, account=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        user.email = form.cleaned_data["email"]
        user.save(update_fields=["email"])
        account.timezone = form.cleaned_data["timezone"]
        account.language = form.cleaned_data["language"]
        account.save(update_fields=["timezone", "language"])
        response = redirect("panel:profile")
        if account.language:
            _remember_language(response, account.language)
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        messages.success(request, _("Your profile is saved."))
        return response
    context = {
        "form": form,
        "username": user.username,
        "account": account,
        **profile_context(account),
    }
    return render(request, "panel/profile.html", context)


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's switch: a cookie for everyone, and the profile of a logged-in customer."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("panel:new_order")
    response = HttpResponseRedirect(target)
    if language in current().languages and check_for_language(language):
        _remember_language(response, language)
        account = getattr(request, "account", None)
        if account is not None:
            Account.objects.filter(pk=account.pk).update(language=language)
    return response
