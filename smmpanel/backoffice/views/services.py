"""Services: create, edit, enable/disable, reorder, bulk price change by percent."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import is_htmx, render_page
from smmpanel.catalog import operations
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.models import Category, Fulfilment, Service
from smmpanel.catalog.order_types import OrderType
from smmpanel.inputs import MAX_BIGINT, MAX_INTEGER, clean_text, known_ids, required_id
from smmpanel.money import MAX_DIGITS, SCALE
from smmpanel.providers.models import Provider
from smmpanel.providers.pricing import cost, resale_rate

CHANGE = ("catalog.view_service", "catalog.change_service")


class ServiceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=500)
    category = forms.CharField(label=gettext_lazy("Category"), max_length=255)
    type = forms.ChoiceField(label=gettext_lazy("Type"), choices=OrderType.choices)
    rate = forms.DecimalField(
        label=gettext_lazy("Rate per 1000"),
        min_value=0,
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
    )
    min_quantity = forms.IntegerField(
        label=gettext_lazy("Minimum"), min_value=1, max_value=MAX_BIGINT
    )
    max_quantity = forms.IntegerField(
        label=gettext_lazy("Maximum"), min_value=1, max_value=MAX_BIGINT
    )
    fulfilment = forms.ChoiceField(
        label=gettext_lazy("Fulfilment"),
        choices=[
            (Fulfilment.MANUAL, Fulfilment.MANUAL.label),
            (Fulfilment.SIMULATED, Fulfilment.SIMULATED.label),
        ],
    )
    refill = forms.BooleanField(label=gettext_lazy("Refill"), required=False)
    refill_days = forms.IntegerField(
        label=gettext_lazy("Refill window (days)"), min_value=0, max_value=MAX_INTEGER, initial=30
    )
    cancel = forms.BooleanField(label=gettext_lazy("Cancel"), required=False)
    dripfeed = forms.BooleanField(label=gettext_lazy("Drip-feed"), required=False)
    auto_refill_hours = forms.IntegerField(
        label=gettext_lazy("Auto-refill every (hours)"),
        help_text=gettext_lazy(
            "Empty: off. While a completed order is inside its refill window, the panel asks "
            "a refill by itself at this interval."
        ),
        required=False,
        min_value=1,
        max_value=24 * 365,
    )
    reroute_after_minutes = forms.IntegerField(
        label=gettext_lazy("Reroute when not started after (minutes)"),
        help_text=gettext_lazy(
            "Empty: off. An order the provider has not started by then is canceled there and, "
            "once the provider confirms, placed on the next route."
        ),
        required=False,
        min_value=1,
        max_value=MAX_INTEGER,
    )
    active = forms.BooleanField(label=gettext_lazy("Enabled"), required=False, initial=True)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, fulfilment: str | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if fulfilment == Fulfilment.PROVIDER:
            field = self.fields["fulfilment"]
            field.choices = [*field.choices, (Fulfilment.PROVIDER, Fulfilment.PROVIDER.label)]  # type: ignore[attr-defined]


class PercentForm(forms.Form):
    service = forms.TypedMultipleChoiceField(coerce=required_id, choices=())
    percent = forms.DecimalField(
        label=gettext_lazy("Change rates by percent"), max_digits=8, decimal_places=2
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["service"].valid_value = lambda value: True  # type: ignore[attr-defined]


@staff_required("catalog.view_service")
def service_list(request: HttpRequest) -> HttpResponse:
    query = clean_text(request.GET.get("q"))
    services = Service.objects.select_related("category").order_by(
        "category__sort_order", "category_id", "sort_order", "pk"
    )
    if query:
        services = services.filter(name__icontains=query)
    # Every category in its order (empty ones too, to fill them), or those a search found.
    categories: dict[Category, list[Service]] = (
        {}
        if query
        else {category: [] for category in Category.objects.order_by("sort_order", "pk")}
    )
    for service in services:
        categories.setdefault(service.category, []).append(service)
    return render_page(
        request,
        "backoffice/services.html",
        "services",
        categories=categories.items(),
        query=query,
        percent_form=PercentForm(),
    )


def _service_form_page(
    request: HttpRequest, form: ServiceForm, service: Service | None
) -> HttpResponse:
    routes = []
    if service is not None:
        for route in service.routes.select_related("provider_service__provider"):
            route.cost = cost(route.provider_service)  # type: ignore[attr-defined]
            route.resale = resale_rate(route.provider_service, route.markup)  # type: ignore[attr-defined]
            routes.append(route)
    return render_page(
        request,
        "backoffice/service_form.html",
        "services",
        form=form,
        service=service,
        routes=routes,
        providers=Provider.objects.order_by("name") if service is not None else [],
        categories=Category.objects.order_by("sort_order", "pk"),
        status=400 if form.is_bound else 200,
    )


@staff_required(*CHANGE)
def service_create(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = operations.create_service(
                acting_user=Actor.of_request(request), **form.cleaned_data
            )
        except CatalogError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Service %s created.") % service.pk)
            return redirect("backoffice:services")
    return _service_form_page(request, form, None)


@staff_required(*CHANGE)
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("category"), pk=pk)
    if request.method != "POST":
        form = ServiceForm(
            initial=operations.service_values(service), fulfilment=service.fulfilment
        )
        return _service_form_page(request, form, service)
    form = ServiceForm(request.POST, fulfilment=service.fulfilment)
    if form.is_valid():
        try:
            operations.edit_service(
                acting_user=Actor.of_request(request), service_id=pk, **form.cleaned_data
            )
        except CatalogError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Service %s saved.") % pk)
            return redirect("backoffice:services")
    return _service_form_page(request, form, service)


@require_POST
@staff_required(*CHANGE)
def service_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    operations.set_services_active(
        acting_user=Actor.of_request(request), service_ids=[pk], active=not service.active
    )
    service.refresh_from_db()
    if is_htmx(request):
        return render_page(request, "backoffice/service_toggle.html", "services", service=service)
    return redirect("backoffice:services")


@require_POST
@staff_required(*CHANGE)
def service_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    operations.move_service(
        acting_user=Actor.of_request(request), service_id=service.pk, step=step_of(direction)
    )
    return redirect(f"{services_url()}#service-{pk}")


@require_POST
@staff_required(*CHANGE)
def service_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk price change by percent, or enable/disable the selected services."""
    action = request.POST.get("action")
    ids = known_ids(request.POST.getlist("service"))
    if not ids:
        messages.error(request, _("Select at least one service."))
        return redirect("backoffice:services")
    if action in ("enable", "disable"):
        changed = operations.set_services_active(
            acting_user=Actor.of_request(request), service_ids=ids, active=action == "enable"
        )
        messages.success(request, _("%(count)s service(s) changed.") % {"count": len(changed)})
        return redirect("backoffice:services")
    form = PercentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a percentage, e.g. 10 or -5.5."))
        return redirect("backoffice:services")
    percent: Decimal = form.cleaned_data["percent"]
    try:
        changes = operations.change_rates_by_percent(
            acting_user=Actor.of_request(request), service_ids=ids, percent=percent
        )
    except CatalogError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)s rate(s) changed by %(percent)s%%.")
            % {"count": len(changes), "percent": percent},
        )
    return redirect("backoffice:services")


def services_url() -> str:
    return reverse("backoffice:services")


def step_of(direction: str) -> int:
    return -1 if direction == "up" else 1
