from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from smmpanel.errors import DomainError


class CatalogErrorCode(StrEnum):
    INVALID_NAME = "invalid_name"
    INVALID_TYPE = "invalid_type"
    INVALID_RATE = "invalid_rate"
    INVALID_RANGE = "invalid_range"
    INVALID_PACKAGE_RANGE = "invalid_package_range"
    INVALID_FULFILMENT = "invalid_fulfilment"
    NO_PROVIDER_ROUTE = "no_provider_route"
    INVALID_CATEGORY_NAME = "invalid_category_name"
    CATEGORY_NAME_TAKEN = "category_name_taken"
    INVALID_PERCENT = "invalid_percent"
    INVALID_REQUIRE = "invalid_require"
    INVALID_STOCK_ITEM = "invalid_stock_item"
    NO_STOCK_BY_HAND = "no_stock_by_hand"
    NO_SUCH_SERVICE = "no_such_service"


MESSAGES = {
    CatalogErrorCode.INVALID_NAME: _("A name of 1 to 500 characters"),
    CatalogErrorCode.INVALID_TYPE: _("Unknown type {type!r}; one of: {types}"),
    CatalogErrorCode.INVALID_RATE: _("The rate can't be negative"),
    CatalogErrorCode.INVALID_RANGE: _("Need 1 <= min <= max"),
    CatalogErrorCode.INVALID_PACKAGE_RANGE: _("A package type has min = max = 1"),
    CatalogErrorCode.INVALID_FULFILMENT: _("Fulfilment is 'manual', 'simulated' or 'provider'"),
    CatalogErrorCode.NO_PROVIDER_ROUTE: _("A provider service needs a provider route"),
    CatalogErrorCode.INVALID_CATEGORY_NAME: _("A category name of 1 to 255 characters"),
    CatalogErrorCode.CATEGORY_NAME_TAKEN: _("Another category has this name"),
    CatalogErrorCode.INVALID_PERCENT: _("A percentage from -100 (free) to 10000"),
    CatalogErrorCode.INVALID_REQUIRE: _("What the customer must give: at most 255 characters"),
    CatalogErrorCode.INVALID_STOCK_ITEM: _("A stock item has at most {limit} characters"),
    CatalogErrorCode.NO_STOCK_BY_HAND: _("A product delivered by hand has no stock"),
    CatalogErrorCode.NO_SUCH_SERVICE: _("No such service"),
}


class CatalogError(DomainError):
    """A refused catalog change; nothing was written."""

    messages = MESSAGES
    code: CatalogErrorCode
