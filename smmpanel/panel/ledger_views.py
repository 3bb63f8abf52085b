"""The customer's ledger: every change of their balance, on a page and as CSV."""

import csv

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.money import format_amount
from smmpanel.panel.customer import customer_required

PAGE_SIZE = 50
CSV_COLUMNS = ["id", "date", "type", "amount", "balance_after", "currency", "order", "reason"]


def _entries(account: Account):
    return LedgerEntry.objects.filter(account=account).order_by("-pk")


@customer_required
def transactions(request: HttpRequest, account: Account) -> HttpResponse:
    # A deposit's payment and its method: the page names them in the customer's language.
    entries = _entries(account).select_related("payment__method")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "panel/transactions.html", {"page": page})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe_cell(text: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@customer_required
def transactions_csv(request: HttpRequest, account: Account) -> HttpResponseBase:
    """All entries, oldest first, amounts exact (the money scale, '.' as the decimal point)."""
    writer = csv.writer(_Echo())
    currency = settings.CURRENCY
    tz = timezone.get_current_timezone()

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for entry in _entries(account).order_by("pk").iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    entry.pk,
                    entry.created_at.astimezone(tz).isoformat(timespec="seconds"),
                    entry.kind,
                    format_amount(entry.amount, currency),
                    format_amount(entry.balance_after, currency),
                    currency,
                    entry.order_id or "",
                    _safe_cell(entry.reason),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="transactions-{stamp}.csv"'
    return response
