"""The active catalog as the API lists it, and a stamp that changes whenever the listing would.

Reseller bots fetch `services` every few minutes, most of them between two catalog changes: the
API serializes the listing once per stamp. The stamp is one aggregate over the services, written
out (the ORM would compile it on every call).
"""

from django.db.models import QuerySet

from smmpanel import rows
from smmpanel.catalog.models import Category, Service

_STAMP = (
    "SELECT COUNT(*), MAX(s.updated_at), MAX(c.updated_at) "
    f"FROM {Service._meta.db_table} s JOIN {Category._meta.db_table} c ON c.id = s.category_id "
    "WHERE s.active"
)


def listing_stamp() -> tuple:
    """Changes when an active service or its category is added, changed, or removed."""
    return tuple(rows.fetchone(_STAMP, []))  # type: ignore[arg-type]


def active_services() -> QuerySet[Service]:
    """The services customers may order, in the catalog's order."""
    return (
        Service.objects.filter(active=True)
        .select_related("category")
        .order_by("category__sort_order", "category_id", "sort_order", "pk")
    )
