"""The customer behind a page: a logged-in user with an `Account` (set by the middleware)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from smmpanel.accounts.models import Account

CustomerView = Callable[..., HttpResponseBase]


def customer_required(view: CustomerView) -> Callable[..., HttpResponseBase]:
    """Log-in required; the view gets the customer's account as its second argument."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if request.headers.get("HX-Request"):
                # A live part of a page whose session ended: send the whole page to log-in,
                # instead of showing the log-in form inside the part.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("login")
                return response
            return redirect_to_login(request.get_full_path())
        account: Account | None = getattr(request, "account", None)
        if account is None:
            # An operator without a customer account: nothing of theirs to show.
            return render(request, "panel/no_account.html", status=403)
        return view(request, account, *args, **kwargs)

    return wrapper
