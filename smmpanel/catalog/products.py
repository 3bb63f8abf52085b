"""Changing the products (digital goods): the operator creates and edits them and adds stock.

Each is one action like the services' (see catalog/operations.py): `acting_user`, the row locked
and re-read, no write and no audit entry when nothing changes, the entry in its own transaction.
"""

from decimal import Decimal

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import Product, ProductItem
from smmpanel.catalog.operations import category_name, category_named
from smmpanel.money import quantize

# Fields an operator edits on a product's page.
PRODUCT_FIELDS = (
    "name",
    "category",
    "require",
    "rate",
    "min_quantity",
    "max_quantity",
    "type",
    "active",
)
MAX_QUANTITY = 2**31 - 1  # a PositiveIntegerField
MAX_ITEM_LENGTH = 10_000


def product_values(product: Product) -> dict:
    """A product's editable values (the category by name), for forms and the audit log."""
    values = {name: getattr(product, name) for name in PRODUCT_FIELDS if name != "category"}
    values["category"] = product.category.name
    return values


def _checked(values: dict) -> dict:
    name = str(values["name"]).strip()
    if not name or len(name) > 500 or "\x00" in name:
        raise CatalogError(CatalogErrorCode.INVALID_NAME)
    if values["type"] not in Product.Type.values:
        raise CatalogError(
            CatalogErrorCode.INVALID_TYPE,
            type=values["type"],
            types=", ".join(Product.Type.values),
        )
    rate = Decimal(str(values["rate"]))
    if not rate.is_finite() or rate < 0:
        raise CatalogError(CatalogErrorCode.INVALID_RATE)
    low, high = int(str(values["min_quantity"])), int(str(values["max_quantity"]))
    if not 1 <= low <= high <= MAX_QUANTITY:
        raise CatalogError(CatalogErrorCode.INVALID_RANGE)
    require = str(values.get("require") or "").strip()
    if len(require) > 255 or "\x00" in require:
        raise CatalogError(CatalogErrorCode.INVALID_REQUIRE)
    return {
        **values,
        "name": name,
        "category": category_name(str(values["category"])),
        "require": require,
        "rate": quantize(rate),
        "min_quantity": low,
        "max_quantity": high,
        "active": bool(values["active"]),
    }


def create_product(
    *,
    acting_user: Actor,
    name: str,
    category: str,
    rate: Decimal,
    min_quantity: int = 1,
    max_quantity: int = 1,
    type: str = Product.Type.AUTO,
    require: str = "",
    active: bool = True,
) -> Product:
    """Create a product in the named category (created when new) and record `product.create`
    with its values. CatalogError on bad values; nothing is written then."""
    values = _checked(
        {
            "name": name,
            "category": category,
            "require": require,
            "rate": rate,
            "min_quantity": min_quantity,
            "max_quantity": max_quantity,
            "type": type,
            "active": active,
        }
    )
    with transaction.atomic():
        values["category"] = category_named(values["category"])
        product = Product.objects.create(**values)
        record(acting_user, "product.create", obj=product, after=product_values(product))
    return product


def edit_product(*, acting_user: Actor, product_id: int, **values: object) -> Product:
    """Change a product's editable values, checked like a new product's, and record
    `product.edit` (before -> after). Values equal to the stored ones change nothing; unknown
    field names are refused with TypeError."""
    unknown = set(values) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        product = Product.objects.select_for_update().select_related("category").get(pk=product_id)
        before = product_values(product)
        merged = _checked({**before, **values})
        if merged == before:
            return product
        for name, value in merged.items():
            if name == "category":
                if value != product.category.name:
                    product.category = category_named(str(value))
            else:
                setattr(product, name, value)
        product.save()
        record(acting_user, "product.edit", obj=product, before=before, after=merged)
    return product


def add_stock(*, acting_user: Actor, product_id: int, items: list[str]) -> int:
    """Add items (one unit each: an account, a code) to a product's stock and record
    `product.add_stock` (the unsold count before -> after, never the items: they are what is
    sold). Blank items are skipped; none left changes nothing and returns 0.
    CatalogError for a product delivered by hand (it has no stock) or an item too long."""
    values = [item.strip() for item in items if item.strip()]
    if any(len(value) > MAX_ITEM_LENGTH or "\x00" in value for value in values):
        raise CatalogError(CatalogErrorCode.INVALID_STOCK_ITEM, limit=MAX_ITEM_LENGTH)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product_id)
        if product.type != Product.Type.AUTO:
            raise CatalogError(CatalogErrorCode.NO_STOCK_BY_HAND)
        if not values:
            return 0
        unsold = product.items.filter(product_order__isnull=True).count()
        ProductItem.objects.bulk_create(ProductItem(product=product, value=v) for v in values)
        record(
            acting_user,
            "product.add_stock",
            obj=product,
            before={"in_stock": unsold},
            after={"in_stock": unsold + len(values)},
            summary=f"{len(values)} items",
        )
    return len(values)
