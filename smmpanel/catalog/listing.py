"""The active catalog as the API lists it.

Reseller bots fetch `services` every few minutes, most of them between two catalog changes: the
API serializes the listing once per version of the catalog and the settings (`versions`).
"""

from django.db.models import QuerySet

from smmpanel.catalog.models import Service


def active_services() -> QuerySet[Service]:
    """The services customers may order, in the catalog's order."""
    return (
        Service.objects.filter(active=True)
        .select_related("category")
        .order_by("category__sort_order", "category_id", "sort_order", "pk")
    )
