"""Finding a provider's dialect by asking for its balance in each dialect, harmlessly."""

import httpx

from .dialect import Dialect
from .errors import ClientError, ProviderFault, ProviderRefused, ProviderUnreachable
from .sync import Client

CANDIDATES = (
    Dialect(),  # classic form POST, key parameter (001, 002, 003)
    Dialect(body="json"),  # JSON body (004)
    Dialect(auth="bearer"),  # Bearer header (000)
    Dialect(body="json", auth="bearer"),
    Dialect(method="GET"),
    Dialect(method="GET", auth="bearer"),
)


def detect_dialect(
    url: str, key: str, *, timeout: float = 10, transport: httpx.BaseTransport | None = None
) -> Dialect:
    """The first dialect of CANDIDATES in which `balance` answers a well-formed balance.

    Raises `ProviderUnreachable` at once when nothing listens; otherwise, when no dialect works,
    the first refusal seen (`ProviderRefused`, e.g. "Invalid API key") or else the first fault.
    """
    first_error: ClientError | None = None
    refusal: ProviderRefused | None = None
    for dialect in CANDIDATES:
        with Client(url, key, dialect, timeout=timeout, retries=0, transport=transport) as client:
            try:
                client.balance()
                return dialect
            except ProviderUnreachable:
                raise
            except ProviderRefused as error:
                refusal = refusal or error
            except ProviderFault as error:
                first_error = first_error or error
    final = refusal or first_error
    assert final is not None
    raise final
