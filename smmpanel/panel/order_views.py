"""New order: the service picker, the type's fields, the live charge preview, placing it."""

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.favorites import favorite_ids, set_favorite
from smmpanel.catalog.models import Category, Service
from smmpanel.inputs import clean_text, parse_id
from smmpanel.money import shown
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import Order
from smmpanel.orders.placement import place_order, service_for_order
from smmpanel.orders.prices import rate_for
from smmpanel.panel.customer import customer_required
from smmpanel.panel.errors import MassOrderError
from smmpanel.panel.mass_order import MAX_LINES, place_mass_order, total_charge
from smmpanel.panel.order_forms import OrderForm

SEARCH_MAX = 100


def active_services() -> QuerySet[Service]:
    return (
        Service.objects.filter(active=True)
        .select_related("category")
        .order_by("category__sort_order", "category_id", "sort_order", "pk")
    )


def search_services(category: str | None, query: str) -> QuerySet[Service]:
    """Active services of a category (all when none) whose id or name matches `query`."""
    services = active_services()
    category_id = parse_id(category)
    if category_id:
        services = services.filter(category_id=category_id)
    query = clean_text(query, SEARCH_MAX)
    if query:
        match = Q(name__icontains=query)
        if pk := parse_id(query):
            match |= Q(pk=pk)
        services = services.filter(match)
    return services


def _chosen_service(raw: str | None) -> Service | None:
    try:
        return service_for_order(raw) if raw else None
    except OrderError:
        return None


def _page(request: HttpRequest, account: Account, service: Service | None, form) -> HttpResponse:
    # One category's services at first (the chosen service's, else the first): a catalog of
    # thousands of services would make a heavy page on a phone. The search spans them all.
    categories = list(Category.objects.filter(services__active=True).distinct())
    category_id = service.category_id if service else (categories[0].pk if categories else None)
    context = {
        "categories": categories,
        "category_id": category_id,
        "services": search_services(str(category_id) if category_id else None, ""),
        "service": service,
        "form": form,
        "favorites": favorite_ids(account),
    }
    return render(request, "panel/orders/new.html", context)


def placed_message(order: Order) -> str:
    """What was placed, for what, what it cost and the balance it left."""
    # The balance the charge left (read under its lock), not the balance of a moment later.
    after = (
        LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.CHARGE)
        .values_list("balance_after", flat=True)
        .first()
    )
    if after is None:  # nothing charged (an unlimited subscription)
        after = Account.objects.values_list("balance", flat=True).get(pk=order.account_id)
    values = {
        "id": order.pk,
        "quantity": order.total_quantity,
        "service": order.service.name,
        "link": order.link,
        "charge": shown(order.charge),
        "balance": shown(after),
    }
    if order.link:
        text = _(
            "Order %(id)s received: %(quantity)s × %(service)s for %(link)s. Charged "
            "%(charge)s; your balance is now %(balance)s."
        )
    else:
        text = _(
            "Order %(id)s received: %(quantity)s × %(service)s. Charged %(charge)s; your "
            "balance is now %(balance)s."
        )
    return text % values


@customer_required
def new_order(request: HttpRequest, account: Account) -> HttpResponse:
    if request.method != "POST":
        service = _chosen_service(request.GET.get("service"))
        return _page(request, account, service, OrderForm(service) if service else None)
    service = _chosen_service(request.POST.get("service"))
    if service is None:
        messages.error(request, _("Choose a service."))
        return _page(request, account, None, None)
    form = OrderForm(service, request.POST, rate=rate_for(account, service))
    if not account.is_active:
        form.add_error(None, str(AccountError(AccountErrorCode.SUSPENDED).message))
    elif form.is_valid():
        try:
            order = place_order(account=account, params=form.params())
        except (OrderError, AccountError) as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request, placed_message(order), extra_tags=f"order-placed order-{order.pk}"
            )
            return redirect(f"{request.path}?service={service.pk}")
    return _page(request, account, service, form)


@require_GET
@customer_required
def service_options(request: HttpRequest, account: Account) -> HttpResponse:
    """The <option>s of the category's services, or of every service matching the search (htmx)."""
    query = request.GET.get("q", "")
    only_favorites = bool(request.GET.get("favorites"))
    # A search, or the favorites (a short list), span every category.
    category = None if query.strip() or only_favorites else request.GET.get("category")
    services = search_services(category, query)
    if only_favorites:
        services = services.filter(pk__in=favorite_ids(account))
    return render(request, "panel/orders/service_options.html", {"services": services})


@require_GET
@customer_required
def service_fields(request: HttpRequest, account: Account) -> HttpResponse:
    """The chosen service's description and its type's fields (htmx)."""
    service = _chosen_service(request.GET.get("service"))
    response = render(
        request,
        "panel/orders/type_fields.html",
        {
            "service": service,
            "form": OrderForm(service) if service else None,
            "favorites": favorite_ids(account),
        },
    )
    response["HX-Trigger-After-Swap"] = "refresh-preview"
    return response


@require_POST
@customer_required
def preview(request: HttpRequest, account: Account) -> HttpResponse:
    """What the order would cost, by the API's own checks, or the first problem (htmx)."""
    service = _chosen_service(request.POST.get("service"))
    form = OrderForm(service, request.POST, rate=rate_for(account, service)) if service else None
    draft = form.draft if form is not None and form.is_valid() else None
    context = {"service": service, "form": form, "draft": draft}
    if draft is not None:
        context["enough"] = draft.charge <= account.balance
    return render(request, "panel/orders/preview.html", context)


@customer_required
def mass_order(request: HttpRequest, account: Account) -> HttpResponse:
    text = request.POST.get("orders", "")
    all_or_nothing = request.POST.get("mode", "all") == "all"
    context: dict = {"text": text, "all_or_nothing": all_or_nothing, "max_lines": MAX_LINES}
    if request.method == "POST":
        if not account.is_active:
            context["error"] = AccountError(AccountErrorCode.SUSPENDED).message
        else:
            try:
                results = place_mass_order(
                    account=account, text=text, all_or_nothing=all_or_nothing
                )
            except MassOrderError as error:
                context["error"] = error.message
            else:
                placed = [line for line in results if line.order]
                context.update(results=results, placed=len(placed), total=total_charge(results))
                # Only the refused lines stay to be corrected: pressing the button again must
                # not place the same orders a second time.
                context["text"] = "\n".join(line.text for line in results if not line.order)
                account.refresh_from_db(fields=["balance"])
    return render(request, "panel/orders/mass.html", context)


@require_POST
@customer_required
def favorite(request: HttpRequest, account: Account, pk: int) -> HttpResponse:
    """Star or unstar a service (`starred` = 1 or 0); the star button again for htmx, else back
    to the page it was pressed on."""
    try:
        starred = set_favorite(
            account=account, service_id=pk, starred=request.POST.get("starred") == "1"
        )
    except CatalogError as error:
        messages.error(request, error.message)
        starred = False
    if request.headers.get("HX-Request") == "true":
        return render(request, "panel/orders/star.html", {"service_id": pk, "starred": starred})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("panel:services")
    return redirect(back)
