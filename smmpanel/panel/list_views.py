"""The customer's orders (with refill and cancel), refills, and the public price list."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.favorites import favorite_ids
from smmpanel.catalog.models import Category
from smmpanel.inputs import clean_text, parse_id
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import CancelRequest, CancelStatus, Order, OrderStatus, Refill
from smmpanel.orders.owned import owned_order
from smmpanel.orders.refills import request_refill
from smmpanel.panel.customer import customer_required
from smmpanel.panel.order_views import search_services

PAGE_SIZE = 25
STATUS_TABS = [
    OrderStatus.PENDING,
    OrderStatus.IN_PROGRESS,
    OrderStatus.PROCESSING,
    OrderStatus.COMPLETED,
    OrderStatus.PARTIAL,
    OrderStatus.CANCELED,
    OrderStatus.ACTIVE,
]


def _page_of(request: HttpRequest, rows, size: int = PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


@customer_required
def orders(request: HttpRequest, account: Account) -> HttpResponse:
    status = request.GET.get("status", "")
    query = clean_text(request.GET.get("q"))
    rows = (
        Order.objects.filter(account=account)
        .select_related("service")
        .annotate(
            cancel_pending=Exists(
                CancelRequest.objects.filter(order=OuterRef("pk"), status=CancelStatus.PENDING)
            ),
            # The latest refill's status: an open one replaces the Refill button.
            refill_status=Subquery(
                Refill.objects.filter(order=OuterRef("pk")).order_by("-pk").values("status")[:1]
            ),
            # What the ledger gave back for the order (a cancel, a partial, an expiry).
            refunded=Subquery(
                LedgerEntry.objects.filter(order=OuterRef("pk"), kind=LedgerEntry.Kind.REFUND)
                .values("order")
                .annotate(total=Sum("amount"))
                .values("total")
            ),
        )
        .order_by("-pk")
    )
    if status in STATUS_TABS:
        rows = rows.filter(status=status)
    if query:
        match = Q(link__icontains=query)
        if pk := parse_id(query):
            match |= Q(pk=pk)
        rows = rows.filter(match)
    return render(
        request,
        "panel/orders/list.html",
        {
            "page": _page_of(request, rows),
            "tabs": STATUS_TABS,
            "status": status,
            "query": query,
        },
    )


def _back_to_orders(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("panel:orders")


@require_POST
@customer_required
def refill(request: HttpRequest, account: Account, pk: int) -> HttpResponse:
    try:
        made = request_refill(account=account, order=owned_order(account, pk))
    except OrderError as error:
        messages.error(request, _("Order %(id)s: %(error)s") % {"id": pk, "error": error.message})
    else:
        messages.success(
            request,
            _("Refill %(refill)s of order %(id)s requested.") % {"refill": made.pk, "id": pk},
        )
    return _back_to_orders(request)


@require_http_methods(["GET", "POST"])
@customer_required
def cancel(request: HttpRequest, account: Account, pk: int) -> HttpResponse:
    """GET asks the customer to confirm (a mistaken tap must not cancel); POST requests it."""
    try:
        order = owned_order(account, pk)
        if request.method == "GET":
            return render(
                request,
                "panel/orders/cancel.html",
                {"order": order, "next": request.GET.get("next", "")},
            )
        request_cancel(account=account, order=order)
    except (OrderError, AccountError) as error:
        messages.error(request, _("Order %(id)s: %(error)s") % {"id": pk, "error": error.message})
    else:
        messages.success(request, _("Cancel of order %(id)s requested.") % {"id": pk})
    return _back_to_orders(request)


@customer_required
def refills(request: HttpRequest, account: Account) -> HttpResponse:
    rows = (
        Refill.objects.filter(order__account=account)
        .select_related("order__service")
        .order_by("-pk")
    )
    return render(request, "panel/orders/refills.html", {"page": _page_of(request, rows)})


def services(request: HttpRequest) -> HttpResponse:
    """The public price list, searchable and filtered by category."""
    query = request.GET.get("q", "")
    category = request.GET.get("category", "")
    rows = search_services(category, query)
    account = (
        Account.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    )
    favorites = favorite_ids(account) if account is not None else None
    only_favorites = favorites is not None and bool(request.GET.get("favorites"))
    if favorites is not None and only_favorites:
        rows = rows.filter(pk__in=favorites)
    return render(
        request,
        "panel/services.html",
        {
            "services": rows,
            "categories": Category.objects.filter(services__active=True).distinct(),
            "query": query.strip(),
            "category": category,
            "favorites": favorites,
            "only_favorites": only_favorites,
        },
    )
