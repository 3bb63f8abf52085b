"""Who may read `/metrics`: a request bearing SMMPANEL_METRICS_TOKEN, or coming from an address
of SMMPANEL_METRICS_ALLOW (loopback unless set).

The address is the peer's (REMOTE_ADDR), never a forwarded header: a client reaching the server
directly could write any header. Prometheus scrapes each server directly, not through the proxy.
"""

import hmac
import ipaddress
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def _networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def address_allowed(address: str, cidrs: list[str]) -> bool:
    """Whether `address` lies in one of `cidrs` (an IPv4-mapped IPv6 address as its IPv4)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in _networks(tuple(cidrs)))


def token_matches(authorization: str, token: str) -> bool:
    """Whether the `Authorization` header is `Bearer <token>` (compared in constant time)."""
    scheme, _, given = authorization.partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def may_read_metrics(request: HttpRequest) -> bool:
    return token_matches(
        request.META.get("HTTP_AUTHORIZATION", ""), settings.METRICS_TOKEN
    ) or address_allowed(request.META.get("REMOTE_ADDR", ""), settings.METRICS_ALLOW)
