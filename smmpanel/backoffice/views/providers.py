"""Upstream providers: add, edit the settings (and how the catalog is synced), test the
connection (balance), import the catalog with a progress bar. Each calls the providers' action,
which records itself."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.imports import start_import
from smmpanel.backoffice.models import CatalogImport
from smmpanel.backoffice.pages import is_htmx, render_page
from smmpanel.money import MAX_DIGITS, SCALE, shown
from smmpanel.providers.catalog_sync import SYNC_SETTINGS, set_sync_settings
from smmpanel.providers.errors import ProviderError
from smmpanel.providers.models import Provider
from smmpanel.providers.operations import (
    add_provider,
    check_balance,
    edit_provider,
    provider_settings,
    set_key,
)

VIEW = ("providers.view_provider",)
CHANGE = ("providers.view_provider", "providers.change_provider")


class ProviderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    url = forms.URLField(label=gettext_lazy("API URL"), max_length=500, assume_scheme="https")
    key = forms.CharField(
        label=gettext_lazy("API key"),
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
    )
    dialect = forms.CharField(
        label=gettext_lazy("Dialect"),
        max_length=100,
        initial="auto",
        help_text=gettext_lazy("auto, or e.g. form, json, get, bearer"),
    )
    exchange_rate = forms.DecimalField(
        label=gettext_lazy("Exchange rate (panel currency per provider unit)"),
        required=False,
        min_value=Decimal("0.000001"),
        max_digits=20,
        decimal_places=8,
    )


class SettingsForm(forms.Form):
    url = forms.URLField(label=gettext_lazy("API URL"), max_length=500, assume_scheme="https")
    new_key = forms.CharField(
        label=gettext_lazy("New API key"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Leave empty to keep the key"),
    )
    dialect = forms.CharField(
        label=gettext_lazy("Dialect"),
        max_length=100,
        help_text=gettext_lazy("e.g. form,key or json,bearer,numeric or get"),
    )
    exchange_rate = forms.DecimalField(
        label=gettext_lazy("Exchange rate (panel currency per provider unit)"),
        min_value=Decimal("0.000001"),
        max_digits=20,
        decimal_places=8,
    )
    low_balance = forms.DecimalField(
        label=gettext_lazy("Warn when the balance is at or below"),
        min_value=0,
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
    )
    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False)
    sync_minutes = forms.IntegerField(
        label=gettext_lazy("Minutes between catalog syncs"),
        required=False,
        min_value=0,
        max_value=525600,
        help_text=gettext_lazy("Empty: the panel's default; 0: never"),
    )
    min_margin = forms.DecimalField(
        label=gettext_lazy("Minimum margin over cost (percent)"),
        required=False,
        min_value=0,
        max_value=100000,
        max_digits=10,
        decimal_places=4,
        help_text=gettext_lazy("A sync never sells below the cost plus this margin"),
    )
    rise_limit = forms.DecimalField(
        label=gettext_lazy("Disable a service when its cost rises more than (percent)"),
        required=False,
        min_value=0,
        max_value=100000,
        max_digits=10,
        decimal_places=4,
        help_text=gettext_lazy(
            "Empty: follow every rise. The service stays disabled until you enable it."
        ),
    )


class ImportForm(forms.Form):
    markup = forms.DecimalField(
        label=gettext_lazy("Markup over cost (percent)"),
        required=False,
        min_value=0,
        max_value=100000,
        max_digits=8,
        decimal_places=2,
    )


@staff_required(*VIEW)
def provider_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "backoffice/providers.html",
        "providers",
        providers=Provider.objects.select_related("catalog_sync").order_by("name"),
        form=ProviderForm(),
        import_form=ImportForm(),
    )


@require_POST
@staff_required(*CHANGE, "providers.add_provider")
def provider_add(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            provider = add_provider(
                acting_user=Actor.of_request(request),
                name=data["name"],
                url=data["url"],
                key=data["key"],
                dialect=data["dialect"],
                exchange_rate=data["exchange_rate"],
            )
        except ProviderError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Provider %s added.") % provider.name)
            return redirect("backoffice:providers")
    return render_page(
        request,
        "backoffice/providers.html",
        "providers",
        status=400,
        providers=Provider.objects.order_by("name"),
        form=form,
        import_form=ImportForm(),
    )


@staff_required(*CHANGE)
def provider_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider's settings; a new key, when given, is set by its own action."""
    provider = get_object_or_404(Provider, pk=pk)
    if request.method != "POST":
        initial = provider_settings(provider)
        initial.update({name: getattr(provider, name) for name in SYNC_SETTINGS})
        form = SettingsForm(initial=initial)
        return render_page(
            request, "backoffice/provider_form.html", "providers", form=form, provider=provider
        )
    form = SettingsForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        acting_user = Actor.of_request(request)
        try:
            edit_provider(
                acting_user=acting_user,
                provider_id=pk,
                url=data["url"],
                dialect=data["dialect"],
                exchange_rate=data["exchange_rate"],
                low_balance=data["low_balance"],
                enabled=data["enabled"],
            )
            set_sync_settings(
                acting_user=acting_user,
                provider_id=pk,
                sync_minutes=data["sync_minutes"],
                min_margin=data["min_margin"] or Decimal(0),
                rise_limit=data["rise_limit"],
            )
            if data["new_key"].strip():
                set_key(acting_user=acting_user, provider_id=pk, key=data["new_key"])
        except ProviderError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Provider %s saved.") % provider.name)
            return redirect("backoffice:providers")
    return render_page(
        request,
        "backoffice/provider_form.html",
        "providers",
        status=400,
        form=form,
        provider=provider,
    )


@require_POST
@staff_required(*CHANGE)
def provider_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Test the connection: ask for the balance (safe to repeat) and record it."""
    provider = get_object_or_404(Provider, pk=pk)
    try:
        check_balance(acting_user=Actor.of_request(request), provider=provider)
    except ProviderError as error:
        messages.error(
            request, _("%(name)s: %(error)s") % {"name": provider.name, "error": error.message}
        )
    else:
        messages.success(
            request,
            _("%(name)s answers; balance %(balance)s.")
            % {
                "name": provider.name,
                "balance": shown(provider.balance, currency=provider.currency),
            },
        )
    return redirect("backoffice:providers")


@require_POST
@staff_required(*CHANGE, "catalog.change_service")
def provider_import(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider, pk=pk)
    form = ImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The markup is a percentage from 0."))
        return redirect("backoffice:providers")
    job = start_import(request=request, provider=provider, markup=form.cleaned_data["markup"])
    return redirect("backoffice:import_progress", pk=job.pk)


@staff_required(*VIEW)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(CatalogImport.objects.select_related("provider"), pk=pk)
    template = "backoffice/import_bar.html" if is_htmx(request) else "backoffice/import.html"
    return render_page(request, template, "providers", job=job)
