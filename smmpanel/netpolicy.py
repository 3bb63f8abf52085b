"""Which provider URLs the panel may call: http(s) only, and public addresses only unless the
operator allows private ones (`SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1`).

A panel that calls any URL an operator (or an attacker with a staff account) types in can be
turned against its own network: the database, Redis, a cloud metadata service. The rule is
checked when a provider is saved and again before each call, on every address the host resolves
to, so that a name re-pointed at a private address later is refused too.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")

# IPv6 forms that carry an IPv4 address in their last 32 bits: the embedded address is judged.
# IPv4-compatible (::a.b.c.d), SIIT-translated (::ffff:0:a.b.c.d), NAT64 well-known prefix.
_LOW_32_CARRIERS = tuple(
    ipaddress.IPv6Network(prefix) for prefix in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96")
)
# Only global unicast space can be public; inside it, ranges that Python 3.11's tables call
# global but that are not: Teredo (a relay to a client behind NAT: can not be judged) and the
# documentation prefix of RFC 9637.
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_NOT_PUBLIC_V6 = tuple(ipaddress.IPv6Network(prefix) for prefix in ("2001::/32", "3fff::/20"))


class ProviderUrlError(ValueError):
    """The URL is not one the panel may call; the message says why."""


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise ProviderUrlError(f"The host {host} can not be resolved") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, SIIT, NAT64, 6to4)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _LOW_32_CARRIERS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A globally routable unicast address (not private, loopback, link-local, reserved, …).

    An IPv6 address that carries an IPv4 one is judged by the IPv4 address; an IPv6 address
    outside global unicast space, or in a tunnel range whose destination can not be told, is not
    public.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
        if address not in _GLOBAL_UNICAST or any(address in n for n in _NOT_PUBLIC_V6):
            return False
    return address.is_global and not address.is_multicast


def check_provider_url(url: str, allow_private: bool | None = None) -> str:
    """The URL, stripped, when the panel may call it; ProviderUrlError otherwise.

    `allow_private` defaults to the operator's `SMMPANEL_ALLOW_PRIVATE_PROVIDERS`. Resolves the
    host (a network look-up: call it outside any database transaction).
    """
    if allow_private is None:
        allow_private = settings.ALLOW_PRIVATE_PROVIDERS
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ProviderUrlError("The URL is malformed") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise ProviderUrlError("A provider URL must start with http:// or https://")
    host = parts.hostname
    if not host:
        raise ProviderUrlError("The URL has no host")
    if parts.username or parts.password:
        raise ProviderUrlError("A provider URL must not carry a user name or password")
    if allow_private:
        return url
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    for address in _addresses(host, port):
        if not is_public(address):
            raise ProviderUrlError(
                f"The host {host} is a private, loopback or reserved address ({address}); "
                "set SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1 to allow it"
            )
    return url
