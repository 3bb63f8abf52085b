"""A standalone, typed client of API v2 panels (sync and asyncio); no Django needed.

    from smmpanel.client import Client, Dialect
    with Client("https://panel.example/api/v2", KEY, Dialect(body="json")) as panel:
        order = panel.add(1, link="https://instagram.com/x", quantity=100)
        print(panel.statuses([order])[order].status)

Faults are exceptions with a `kind` (see `errors.py`); `testing.FakeUpstream` is a real HTTP
panel to test against in each seed panel's dialect.
"""

from .aio import AsyncClient
from .detect import detect_dialect
from .dialect import Dialect
from .errors import (
    ClientError,
    FaultKind,
    ProviderAddressRefused,
    ProviderBadReply,
    ProviderFault,
    ProviderHTTPError,
    ProviderRefused,
    ProviderTimeout,
    ProviderUnreachable,
)
from .results import (
    Balance,
    BrokenEntry,
    Catalog,
    OrderStatusInfo,
    ProductInfo,
    ProductOrderStatusInfo,
    RefillStatusInfo,
    ServiceInfo,
)
from .sync import Client

__all__ = [
    "AsyncClient",
    "Balance",
    "BrokenEntry",
    "Catalog",
    "Client",
    "ClientError",
    "Dialect",
    "FaultKind",
    "OrderStatusInfo",
    "ProductInfo",
    "ProductOrderStatusInfo",
    "ProviderAddressRefused",
    "ProviderBadReply",
    "ProviderFault",
    "ProviderHTTPError",
    "ProviderRefused",
    "ProviderTimeout",
    "ProviderUnreachable",
    "RefillStatusInfo",
    "ServiceInfo",
    "detect_dialect",
]
