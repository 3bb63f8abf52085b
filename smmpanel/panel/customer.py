"""The customer behind a page: a logged-in user with an `Account` (set by the middleware)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from smmpanel.accounts.models import Account

CustomerView = Callable[..., HttpResponseBase]


def customer_required(view: CustomerView) -> Callable[..., HttpResponseBase]:
    """Log-in required; the view gets the customer's account as its second argument."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        account: Account | None = getattr(request, "account", None)
        if account is None:
            # An operator without a customer account: nothing of theirs to show.
            return render(request, "panel/no_account.html", status=403)
        return view(request, account, *args, **kwargs)

    return wrapper
