"""The Django admin is a read-only inspector for superusers: each table listed, searched, filtered
and opened, nothing added, changed or deleted, no actions. Operators work in the back-office."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from smmpanel.inputs import parse_id


def is_superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_superuser)


class Inspector(admin.ModelAdmin):
    """What every model admin of the panel is: view only, for superusers.

    A search term that is an id also finds the row whose `id_search_field` equals it, by its
    index (not a text search of a cast).
    """

    actions: Any = None
    id_search_field = "pk"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        pk = parse_id(search_term)
        if pk is not None:
            results |= queryset.filter(**{self.id_search_field: pk})
        return results, may_have_duplicates


class InspectorInline(admin.TabularInline):
    """Rows shown inside their parent's page, read-only like it."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnly:
    """Makes another app's model admin (Django's users and groups, django-otp's devices) an
    inspector like ours: staff accounts are managed by `smmpanel createadmin`, `smmpanel staff
    totp` and the back-office, through actions that record themselves."""

    actions: Any = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# Models whose admin shows a secret (a TOTP device's key and its QR code): not shown at all,
# not even to a superuser, who could otherwise copy another operator's second factor.
SECRET_BEARING = ("otp_totp.totpdevice", "otp_static.staticdevice", "otp_static.statictoken")


def make_read_only(site: admin.AdminSite) -> None:
    """Every model admin on the site that is not already an Inspector becomes read-only; the
    admins of secret-bearing models are removed."""
    for model, model_admin in list(site._registry.items()):
        if model._meta.label_lower in SECRET_BEARING:
            site.unregister(model)
            continue
        if isinstance(model_admin, Inspector):
            continue
        base = type(model_admin)
        read_only = type(f"ReadOnly{base.__name__}", (ReadOnly, base), {})
        site.unregister(model)
        site.register(model, read_only)
