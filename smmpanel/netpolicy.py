"""Which provider URLs the panel may call: http(s) only, and public addresses only unless the
operator allows private ones (`SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1`).

A panel that calls any URL an operator (or an attacker with a staff account) types in can be
turned against its own network: the database, Redis, a cloud metadata service. The rule
(`is_public`) is checked when a provider is saved, on every address its host resolves to, and
again on every connection to it (`provider_transport`): a host controls its own DNS and may
point its name at a private address after it was saved.
"""

import ipaddress
import socket
from enum import StrEnum
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from smmpanel.netguard import Address, guarded_async_transport, guarded_transport, parse_address

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


class UrlRefusal(StrEnum):
    MALFORMED = "malformed"
    SCHEME = "scheme"
    NO_HOST = "no_host"
    CREDENTIALS = "credentials"
    UNRESOLVABLE = "unresolvable"
    PRIVATE_ADDRESS = "private_address"


class ProviderUrlError(ValueError):
    """The URL is not one the panel may call; `reason` says why (with `host` and `address` where
    they apply), the message in English for logs and the command line."""

    def __init__(self, reason: UrlRefusal, message: str, host: str = "", address: str = ""):
        self.reason, self.host, self.address = reason, host, address
        super().__init__(message)


def _addresses(host: str, port: int) -> list[Address]:
    literal = parse_address(host.strip("[]"))
    if literal is not None:
        return [literal]
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise ProviderUrlError(
            UrlRefusal.UNRESOLVABLE, f"The host {host} can not be resolved", host=host
        ) from None
    # An answer that is no address at all is judged as the unspecified one: refused.
    return [parse_address(str(info[4][0])) or ipaddress.IPv4Address(0) for info in infos]


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, compatible, SIIT, NAT64, 6to4)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in network for network in _LOW_32_CARRIERS):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public(address: Address) -> bool:
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
        raise ProviderUrlError(UrlRefusal.MALFORMED, "The URL is malformed") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise ProviderUrlError(
            UrlRefusal.SCHEME, "A provider URL must start with http:// or https://"
        )
    host = parts.hostname
    if not host:
        raise ProviderUrlError(UrlRefusal.NO_HOST, "The URL has no host")
    if parts.username or parts.password:
        raise ProviderUrlError(
            UrlRefusal.CREDENTIALS, "A provider URL must not carry a user name or password"
        )
    if allow_private:
        return url
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    for address in _addresses(host, port):
        if not is_public(address):
            raise ProviderUrlError(
                UrlRefusal.PRIVATE_ADDRESS,
                f"The host {host} is a private, loopback or reserved address ({address}); "
                "set SMMPANEL_ALLOW_PRIVATE_PROVIDERS=1 to allow it",
                host=host,
                address=str(address),
            )
    return url


def provider_transport() -> httpx.HTTPTransport | None:
    """The transport for calls to providers: one that connects only to public addresses, judged
    on every connection; None (httpx's own, environment proxies included) when the operator
    allows private addresses.

    With the rule on, HTTP(S)_PROXY and ALL_PROXY are not used for provider calls: through a
    proxy the panel can not see which address is finally reached.
    """
    if settings.ALLOW_PRIVATE_PROVIDERS:
        return None
    return guarded_transport(is_public)


def provider_async_transport() -> httpx.AsyncHTTPTransport | None:
    """`provider_transport` for `smmpanel.client.AsyncClient`."""
    if settings.ALLOW_PRIVATE_PROVIDERS:
        return None
    return guarded_async_transport(is_public)
