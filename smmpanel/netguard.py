"""httpx transports that connect only to the addresses a policy allows, judged on every connection.

A URL checked when it is saved proves nothing about later calls: its host controls its own DNS,
and a name that resolved to a public address then may resolve to 127.0.0.1, 169.254.169.254 or
the database now. So the transport's network backend judges where each connection goes: it
resolves the name once (the look-up the connection makes anyway, so no extra DNS traffic),
refuses the whole name when any answer is not allowed, connects to a judged address itself
(never to the name, which could resolve again), and judges the peer of the connected socket.
A pooled connection is judged once; a redirect hop or a retry that opens one is judged again.

No proxy is used: through a proxy the address finally reached is out of sight (httpx mounts the
environment's proxies only when a client is given no transport). No Django here: provider calls
use it with `netpolicy.is_public`; other outgoing calls (webhooks) can reuse it.
"""

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import anyio.to_thread
import httpcore
import httpx

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Policy = Callable[[Address], bool]
SocketOptions = Iterable[Any] | None

# httpx's own pool limits (httpx.Client's default).
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


class AddressRefused(httpcore.ConnectError):
    """A connection the policy refused; nothing was connected to it or sent. httpx raises it as
    an `httpx.ConnectError` whose `__cause__` is this."""

    def __init__(self, host: str, address: str) -> None:
        self.host, self.address = host, address
        super().__init__(f"{host} resolves to {address}, an address this panel does not call")


def parse_address(text: str) -> Address | None:
    """The address of a socket address string (an IPv6 zone `%eth0` dropped), None if not one."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _judged(host: str, answers: Iterable[str], allowed: Policy) -> list[str]:
    """The distinct answers in resolver order; AddressRefused when any of them is not allowed:
    a name that mixes public and private answers is a rebinding attempt, not a provider."""
    addresses: list[str] = []
    for answer in answers:
        address = parse_address(answer)
        if address is None or not allowed(address):
            raise AddressRefused(host, answer)
        if answer not in addresses:
            addresses.append(answer)
    if not addresses:
        raise httpcore.ConnectError(f"{host} has no address")
    return addresses


def _check_peer(host: str, peer: Any, allowed: Policy) -> None:
    """The address the socket is actually connected to, judged; unknown is refused."""
    address = parse_address(str(peer[0])) if peer else None
    if address is None or not allowed(address):
        raise AddressRefused(host, str(peer[0]) if peer else "an unknown address")


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:  # the error a plain connection would raise
        raise httpcore.ConnectError(f"{host} can not be resolved: {error}") from error
    return [str(info[4][0]) for info in infos]


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, connecting only where `allowed` says (see the module)."""

    def __init__(self, allowed: Policy, inner: httpcore.NetworkBackend | None = None) -> None:
        self.allowed = allowed
        self.inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        # Like socket.create_connection: each address in turn until one connects.
        for address in _judged(host, _resolve(host, port), self.allowed):
            try:
                stream = self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failed:
                error = failed
                continue
            try:
                _check_peer(host, stream.get_extra_info("server_addr"), self.allowed)
            except AddressRefused:
                stream.close()
                raise
            return stream
        assert error is not None
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: SocketOptions = None
    ) -> httpcore.NetworkStream:
        raise AddressRefused(path, "a Unix socket")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class AsyncGuardedBackend(httpcore.AsyncNetworkBackend):
    """`GuardedBackend` for asyncio and trio (through anyio, as httpcore itself)."""

    def __init__(self, allowed: Policy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.allowed = allowed
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: SocketOptions = None,
    ) -> httpcore.AsyncNetworkStream:
        error: Exception | None = None
        answers = await anyio.to_thread.run_sync(_resolve, host, port)
        for address in _judged(host, answers, self.allowed):
            try:
                stream = await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as failed:
                error = failed
                continue
            try:
                _check_peer(host, stream.get_extra_info("server_addr"), self.allowed)
            except AddressRefused:
                await stream.aclose()
                raise
            return stream
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: SocketOptions = None
    ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(path, "a Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def guarded_transport(allowed: Policy, *, verify: bool = True) -> httpx.HTTPTransport:
    """An `httpx.HTTPTransport` whose every connection goes only where `allowed` says."""
    context = httpx.create_ssl_context(verify=verify)
    transport = httpx.HTTPTransport(verify=context, limits=LIMITS)
    # httpx takes no network backend: its pool is replaced by an equal one that has ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=context, network_backend=GuardedBackend(allowed), **_pool_limits()
    )
    return transport


def guarded_async_transport(allowed: Policy, *, verify: bool = True) -> httpx.AsyncHTTPTransport:
    """`guarded_transport` for `httpx.AsyncClient`."""
    context = httpx.create_ssl_context(verify=verify)
    transport = httpx.AsyncHTTPTransport(verify=context, limits=LIMITS)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context, network_backend=AsyncGuardedBackend(allowed), **_pool_limits()
    )
    return transport


def _pool_limits() -> dict[str, Any]:
    return {
        "max_connections": LIMITS.max_connections,
        "max_keepalive_connections": LIMITS.max_keepalive_connections,
        "keepalive_expiry": LIMITS.keepalive_expiry,
    }
