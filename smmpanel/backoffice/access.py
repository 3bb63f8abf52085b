"""Who may open a back-office page: staff only, and each action behind its permission."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp import user_has_device

View = Callable[..., HttpResponse]


def staff_required(*permissions: str) -> Callable[[View], View]:
    """Send visitors to the admin login; refuse (403) staff lacking any of `permissions`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            # Staff who enrolled a TOTP device need a session verified with it, however they
            # logged in: the customers' log-in page takes a staff password too, without a token.
            if not (user.is_verified() or not user_has_device(user)):  # type: ignore[union-attr,attr-defined]
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not all(user.has_perm(permission) for permission in permissions):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorate
