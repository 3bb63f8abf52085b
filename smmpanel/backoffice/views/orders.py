"""Orders: find them by status, service, user, date; act on many at once."""

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.bulk_orders import BulkAction, apply_bulk
from smmpanel.backoffice.pages import is_htmx, render_page
from smmpanel.catalog.models import Fulfilment, Service
from smmpanel.inputs import MAX_BIGINT, IdField, parse_id, required_id
from smmpanel.orders.models import Order, OrderStatus
from smmpanel.providers.models import Provider
from smmpanel.quality.progress import delivery_proof

PAGE_SIZE = 50


class OrderFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("Order id or link"), required=False, max_length=2000)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any"))] + list(OrderStatus.choices),
    )
    service = IdField(label=gettext_lazy("Service id"), required=False)
    user = forms.CharField(label=gettext_lazy("Username"), required=False, max_length=150)
    fulfilment = forms.ChoiceField(
        label=gettext_lazy("Fulfilment"),
        required=False,
        choices=[("", gettext_lazy("Any"))] + list(Fulfilment.choices),
    )
    provider = forms.ModelChoiceField(
        label=gettext_lazy("Provider"),
        required=False,
        queryset=Provider.objects.order_by("name"),
        empty_label=gettext_lazy("Any"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filter(self, orders: QuerySet[Order]) -> QuerySet[Order]:
        if not self.is_valid():
            return orders.none()
        data = self.cleaned_data
        if q := data["q"].strip():
            pk = parse_id(q)
            orders = orders.filter(Q(pk=pk) | Q(link=q)) if pk else orders.filter(link__icontains=q)
        if data["status"]:
            orders = orders.filter(status=data["status"])
        if data["service"]:
            orders = orders.filter(service_id=data["service"])
        if user := data["user"].strip():
            orders = orders.filter(account__user__username=user)
        if data["provider"]:
            orders = orders.filter(upstream_orders__provider=data["provider"]).distinct()
        if data["fulfilment"]:
            orders = orders.filter(service__fulfilment=data["fulfilment"])
        date_from: date | None = data["date_from"]
        date_to: date | None = data["date_to"]
        if date_from:
            orders = orders.filter(created_at__date__gte=date_from)
        if date_to:
            orders = orders.filter(created_at__date__lte=date_to)
        return orders


class BulkForm(forms.Form):
    order = forms.TypedMultipleChoiceField(coerce=required_id, choices=())
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            (BulkAction.CANCEL, gettext_lazy("Cancel and refund")),
            (BulkAction.SET_STATUS, gettext_lazy("Set status")),
            (BulkAction.PARTIAL, gettext_lazy("Set partial with remains")),
            (BulkAction.RESEND, gettext_lazy("Resend to fulfilment")),
        ],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", "—")] + list(OrderStatus.choices),
    )
    remains = forms.IntegerField(
        label=gettext_lazy("Remains"), required=False, min_value=0, max_value=MAX_BIGINT
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Any id is acceptable: each order is checked when it is changed.
        self.fields["order"].valid_value = lambda value: True  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        action = data.get("action")
        if action == BulkAction.SET_STATUS and not data.get("status"):
            self.add_error("status", _("Choose the status to set."))
        if action == BulkAction.PARTIAL and data.get("remains") is None:
            self.add_error("remains", _("Give the remains of a partial order."))
        return data


def _listing(request: HttpRequest, params: QueryDict, **context: Any) -> HttpResponse:
    filters = OrderFilter(params or None)
    orders = Order.objects.select_related("account__user", "service").order_by("-id")
    if params:
        orders = filters.filter(orders)
    page = Paginator(orders, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return render_page(
        request,
        "backoffice/orders.html",
        "orders",
        filters=filters,
        page=page,
        query=query.urlencode(),
        here=f"{reverse('backoffice:orders')}?{params.urlencode()}",
        bulk=BulkForm(auto_id="bulk_%s"),
        services=Service.objects.only("pk", "name").order_by("pk")[:500],
        **context,
    )


@staff_required("orders.view_order")
def order_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, request.GET)


@require_POST
@staff_required("orders.view_order", "orders.change_order")
def order_bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    outcomes = []
    if form.is_valid():
        data = form.cleaned_data
        outcomes = apply_bulk(
            acting_user=Actor.of_request(request),
            order_ids=data["order"],
            action=BulkAction(data["action"]),
            status=data["status"],
            remains=data["remains"],
        )
    back = request.POST.get("next", "")
    if not back.startswith(reverse("backoffice:orders")):
        back = reverse("backoffice:orders")
    if is_htmx(request) and urlsplit(back).path == reverse("backoffice:orders"):
        # The page again, its orders as they are now, with each order's outcome above them.
        return _listing(request, QueryDict(urlsplit(back).query), report=outcomes, form=form)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    for outcome in outcomes:
        text = _("Order %(id)s: %(message)s") % {"id": outcome.order_id, "message": outcome.message}
        (messages.success if outcome.ok else messages.error)(request, text)
    return redirect(back)


@staff_required("orders.view_order")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One order with all it carries (comments, usernames, runs), its money and its history."""
    order = get_object_or_404(Order.objects.select_related("account__user", "service"), pk=pk)
    return render_page(
        request,
        "backoffice/order.html",
        "orders",
        order=order,
        details=sorted(order.details.items()),
        ledger_entries=order.ledger.order_by("pk"),
        attempts=order.upstream_orders.select_related("provider").order_by("pk"),
        refills=order.refills.order_by("pk"),
        proof=delivery_proof(order),
        cancels=order.cancel_requests.order_by("pk"),
        history=AuditEntry.objects.filter(object_type="orders.order", object_id=str(pk)).order_by(
            "-pk"
        )[:50],
        bulk=BulkForm(auto_id="bulk_%s"),
    )
