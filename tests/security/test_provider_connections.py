"""Every connection to a provider is judged by the address it goes to, not only the URL when it
was saved: a provider controls its DNS and can point its name at 127.0.0.1 after saving.

Names are answered through `socket.getaddrinfo` (the OS boundary); the servers are real, and the
ones that must never be reached count what they receive.
"""

import asyncio
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import httpx
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from smmpanel.audit.log import Actor
from smmpanel.backoffice import roles
from smmpanel.client import AsyncClient, Client, ProviderAddressRefused
from smmpanel.netguard import AddressRefused, GuardedBackend, guarded_transport
from smmpanel.netpolicy import provider_async_transport, provider_transport
from smmpanel.providers import connection
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.errors import ProviderError, ProviderErrorCode
from smmpanel.providers.models import Provider, UpstreamState
from smmpanel.providers.operations import add_provider, check_balance
from smmpanel.worker.loop import run_once
from tests.backoffice.conftest import operator
from tests.providers.fixtures import order_of

pytestmark = pytest.mark.django_db

NAME = "rebind.example"


class Resolver:
    """Answers for chosen names, one list per look-up (the last one repeats); other names go to
    the system's resolver."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name not in self.answers:
            return self.real(host, port, *args, **kwargs)
        self.lookups.append(name)
        queue = self.answers[name]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [info for a in addresses for info in self.real(a, port, *args, **kwargs)]


@pytest.fixture
def dns(monkeypatch) -> Resolver:
    resolver = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


@pytest.fixture
def policy_on(settings) -> None:
    """The rule as in production (tests/settings.py allows private providers for the fakes)."""
    settings.ALLOW_PRIVATE_PROVIDERS = False


class Recorder(ThreadingHTTPServer):
    """A real HTTP server that counts requests; it answers a balance, or redirects."""

    daemon_threads = True

    def __init__(self, host: str, redirect_to: str = "") -> None:
        self.hits: list[str] = []
        self.redirect_to = redirect_to
        super().__init__((host, 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}/api/v2"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        if self.server.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"balance": "1.00", "currency": "USD"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def recorders() -> Iterator[list[Recorder]]:
    started: list[Recorder] = []
    yield started
    for server in started:
        server.stop()


def rebound_url(upstream) -> str:
    port = upstream.url.split(":")[2].split("/")[0]
    return f"http://{NAME}:{port}{upstream.dialect.path}"


@pytest.mark.parametrize("dialect", ["form", "auto"])  # "auto" probes it for its dialect first
def test_a_name_that_turns_private_after_its_check_is_refused_when_connecting(
    dialect, dns, policy_on, upstream
):
    # Public when the URL is checked, the panel's own loopback when it is called.
    dns.answers[NAME] = [["8.8.8.8"], ["127.0.0.1"]]
    with pytest.raises(ProviderError) as refused:
        add_provider(
            acting_user=Actor.cli(),
            name="evil",
            url=rebound_url(upstream),
            key=upstream.key,
            dialect=dialect,
        )
    assert refused.value.code == ProviderErrorCode.ADDRESS_REFUSED
    assert NAME in refused.value.message and "127.0.0.1" in refused.value.message
    assert dns.lookups == [NAME, NAME]
    assert upstream.requests == [] and not Provider.objects.exists()


def test_the_worker_never_reaches_a_provider_whose_name_now_points_inside(
    followers, upstream, dns, settings
):
    settings.ALLOW_PRIVATE_PROVIDERS = False  # after the fixtures saved the provider
    provider = Provider.objects.get()
    Provider.objects.filter(pk=provider.pk).update(url=rebound_url(upstream))
    provider.refresh_from_db()
    dns.answers[NAME] = [["169.254.169.254", "127.0.0.1"]]
    upstream.reset_counts()

    order = order_of(followers)
    run_once()
    attempt = order.upstream_orders.get()
    assert attempt.state == UpstreamState.FAILED  # not sent: tried again later
    assert "127.0.0.1" in attempt.error or "169.254.169.254" in attempt.error

    with pytest.raises(ProviderError) as refused:
        check_balance(acting_user=Actor.cli(), provider=provider)
    assert refused.value.code == ProviderErrorCode.ADDRESS_REFUSED
    provider.refresh_from_db()
    assert NAME in provider.last_error and "169.254.169.254" in provider.last_error
    with pytest.raises(ProviderError):
        import_catalog(acting_user=Actor.cli(), provider=provider)
    with pytest.raises(ProviderAddressRefused), connection.client_for(provider) as client:
        client.statuses(["1"])
    assert upstream.requests == []


@pytest.mark.parametrize(
    "answer", ["64:ff9b::7f00:1", "::ffff:127.0.0.1", "::ffff:0:7f00:1", "2002:7f00:1::"]
)
def test_ipv6_forms_of_a_private_address_are_refused_when_connecting(
    answer, dns, policy_on, upstream
):
    dns.answers[NAME] = [[answer]]
    with pytest.raises(ProviderAddressRefused) as refused:
        Client(rebound_url(upstream), "k", transport=provider_transport()).balance()
    assert refused.value.address == answer and refused.value.host == NAME
    assert upstream.requests == []


def test_the_async_client_judges_its_connections_too(dns, policy_on, upstream):
    dns.answers[NAME] = [["127.0.0.1"]]

    async def call() -> None:
        transport = provider_async_transport()
        async with AsyncClient(rebound_url(upstream), upstream.key, transport=transport) as client:
            try:
                await client.balance()
            finally:
                # A refused address is not asked again: the same rule would refuse it.
                assert client.calls == {"balance": 1}

    with pytest.raises(ProviderAddressRefused):
        asyncio.run(call())
    assert upstream.requests == []


def test_environment_proxies_are_not_used_while_the_rule_is_on(
    dns, policy_on, upstream, recorders, monkeypatch
):
    """Through a proxy the address finally reached can not be judged: no proxy is used."""
    proxy = Recorder("127.0.0.1")
    recorders.append(proxy)
    for variable in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(variable, f"http://127.0.0.1:{proxy.server_address[1]}")
    for variable in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(variable, raising=False)
    dns.answers[NAME] = [["127.0.0.1"]]
    with pytest.raises(ProviderAddressRefused):
        Client(rebound_url(upstream), "k", transport=provider_transport()).balance()
    assert proxy.hits == [] and upstream.requests == []


def only(address: str):
    allowed = ipaddress.ip_address(address)
    return lambda candidate: candidate == allowed


def test_each_redirect_hop_opens_a_judged_connection(recorders):
    """The guarded transport is reusable (webhooks): here with a rule that lets one address in,
    a real server there redirects to another loopback address, which is never reached."""
    elsewhere = Recorder("127.0.0.2")
    start = Recorder("127.0.0.1", redirect_to=elsewhere.url)
    recorders.extend([elsewhere, start])
    with httpx.Client(transport=guarded_transport(only("127.0.0.1"))) as http:
        assert http.get(start.url).status_code == 302  # the allowed address is reached
        with pytest.raises(httpx.ConnectError) as refused:
            http.get(start.url, follow_redirects=True)
    assert isinstance(refused.value.__cause__, AddressRefused)
    assert refused.value.__cause__.address == "127.0.0.2"
    assert len(start.hits) == 2 and elsewhere.hits == []


class ConnectsElsewhere(httpcore.SyncBackend):
    """A network that delivers a connection somewhere other than the address asked for."""

    def __init__(self, actual: str) -> None:
        self.actual = actual

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        return super().connect_tcp(self.actual, port, *args, **kwargs)


def test_the_address_actually_connected_is_judged(recorders):
    target = Recorder("127.0.0.2")
    recorders.append(target)
    port = target.server_address[1]
    transport = httpx.HTTPTransport()
    transport._pool = httpcore.ConnectionPool(
        network_backend=GuardedBackend(only("127.0.0.1"), ConnectsElsewhere("127.0.0.2"))
    )
    with httpx.Client(transport=transport) as http, pytest.raises(httpx.ConnectError) as refused:
        http.get(f"http://127.0.0.1:{port}/api/v2")
    assert isinstance(refused.value.__cause__, AddressRefused)
    assert refused.value.__cause__.address == "127.0.0.2"
    assert target.hits == []


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "a private, loopback or reserved address"),
        ("id", "alamat privat, loopback, atau khusus"),
        ("vi", "địa chỉ riêng, loopback hoặc dành riêng"),
    ],
)
def test_the_back_office_says_why_in_the_operators_language(
    language, words, dns, policy_on, upstream
):
    admin_op = operator("alice", roles.ADMIN)
    dns.answers[NAME] = [["8.8.8.8"], ["127.0.0.1"]]
    admin_op.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    data = {"name": "evil", "url": rebound_url(upstream), "key": "k", "dialect": "form"}
    response = admin_op.post(reverse("backoffice:provider_add"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and NAME in page and "127.0.0.1" in page
    assert upstream.requests == []
