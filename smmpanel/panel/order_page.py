"""One order of the customer's, with its delivery proof: the counts reported over time."""

from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.orders.errors import OrderError
from smmpanel.orders.owned import owned_order
from smmpanel.panel.customer import customer_required
from smmpanel.quality.progress import delivery_proof


@customer_required
def order_page(request: HttpRequest, account: Account, pk: int) -> HttpResponse:
    try:
        order = owned_order(account, pk)
    except OrderError:
        raise Http404 from None
    refunded = LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.REFUND).aggregate(
        total=Sum("amount")
    )["total"]
    return render(
        request,
        "panel/orders/detail.html",
        {"order": order, "refunded": refunded, "proof": delivery_proof(order)},
    )
