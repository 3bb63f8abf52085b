"""Bank transfers a bank-matching gateway (SePay, Casso, Moota) reported that credited nothing by
themselves (no code, an unknown or decided payment, two codes, another amount), kept once each
for the operator, who settles them by hand: approving the customer's payment, or an adjustment
of their balance, each audited where it is made."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.payments.models import UnmatchedTransfer


@staff_required("payments.view_payment")
def transfer_list(request: HttpRequest) -> HttpResponse:
    transfers = UnmatchedTransfer.objects.select_related("method", "payment").order_by("-id")
    page = Paginator(transfers, 50).get_page(request.GET.get("page"))
    return render_page(
        request, "backoffice/unmatched_transfers.html", "payments", page=page, query=""
    )
