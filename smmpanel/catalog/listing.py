"""The active catalog as the API lists it: services, and the products extension's products.

Reseller bots fetch `services` every few minutes, most of them between two catalog changes: the
API serializes the listing once per version of the catalog and the settings (`versions`).
"""

from django.db.models import Count, Q, QuerySet

from smmpanel.catalog.models import Product, Service


def active_services() -> QuerySet[Service]:
    """The services customers may order, in the catalog's order."""
    return (
        Service.objects.filter(active=True)
        .select_related("category")
        .order_by("category__sort_order", "category_id", "sort_order", "pk")
    )


def products_for_sale() -> list[tuple[Product, int]]:
    """The active products in the catalog's order, each with its inventory: the stock items not
    sold yet."""
    found = (
        Product.objects.filter(active=True)
        .select_related("category")
        .annotate(inventory=Count("items", filter=Q(items__product_order__isnull=True)))
        .order_by("category__sort_order", "sort_order", "pk")
    )
    return [(product, product.inventory) for product in found]
