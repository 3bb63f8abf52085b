"""Digital products on the web: the list, buying one (the API's own `place_product_order`: the
same checks, the same charge), and the customer's product orders with their delivered items."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smmpanel.accounts.errors import AccountError, AccountErrorCode
from smmpanel.accounts.models import Account
from smmpanel.catalog.listing import products_for_sale
from smmpanel.money import shown
from smmpanel.orders.errors import OrderError
from smmpanel.orders.models import ProductOrder
from smmpanel.orders.product_orders import delivered_items, place_product_order
from smmpanel.panel.customer import customer_required

PAGE_SIZE = 25


def _list(request: HttpRequest, status: int = 200, **context: object) -> HttpResponse:
    context = {
        "products": products_for_sale(),
        # One key per page shown: pressing Buy twice places one order (the API's idempotency).
        "idempotency_key": uuid.uuid4().hex,
        **context,
    }
    return render(request, "panel/products/list.html", context, status=status)


@customer_required
def products(request: HttpRequest, account: Account) -> HttpResponse:
    if request.method != "POST":
        return _list(request)
    values = {
        "product": request.POST.get("product", ""),
        "quantity": request.POST.get("quantity", "").strip(),
        "require": request.POST.get("require", "").strip(),
    }
    try:
        if not account.is_active:
            raise AccountError(AccountErrorCode.SUSPENDED)
        order = place_product_order(
            account=account,
            product_id=values["product"],
            quantity=values["quantity"],
            require=values["require"],
            idempotency_key=request.POST.get("idempotency_key") or None,
        )
    except (OrderError, AccountError) as error:
        return _list(request, status=400, error=error.message, chosen=values)
    account.refresh_from_db(fields=["balance"])
    text = _(
        "Product order %(id)s received: %(quantity)s × %(product)s. Charged %(charge)s; your "
        "balance is now %(balance)s."
    ) % {
        "id": order.pk,
        "quantity": order.quantity,
        "product": order.product.name,
        "charge": shown(order.charge),
        "balance": shown(account.balance),
    }
    messages.success(request, text, extra_tags=f"product-order-{order.pk}")
    return redirect("panel:product_orders")


@customer_required
def product_orders(request: HttpRequest, account: Account) -> HttpResponse:
    rows = (
        ProductOrder.objects.filter(account=account)
        .select_related("product")
        .prefetch_related("items")
        .order_by("-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    orders = [(order, delivered_items(order)) for order in page.object_list]
    return render(request, "panel/products/orders.html", {"page": page, "orders": orders})
