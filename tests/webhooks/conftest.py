"""A webhook receiver over real HTTP (a threaded `http.server`), and customers with webhooks.

The receiver answers as a customer's endpoint would: 200 when it takes the event, any status
it is told to while "down". It records every request as it came (headers, raw body).
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from smmpanel.audit.log import Actor
from smmpanel.orders.placement import place_order
from smmpanel.webhooks.actions import set_webhook
from tests.factories import make_account, make_service


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    status: int = 200
    received: list[Delivery] = field(default_factory=list)  # taken (2xx)
    refused: list[Delivery] = field(default_factory=list)  # answered with an error

    def events(self) -> list[dict]:
        return [delivery.json() for delivery in self.received]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        receiver = self.server.receiver
        delivery = Delivery({k.lower(): v for k, v in self.headers.items()}, body)
        status = receiver.status
        (receiver.received if 200 <= status < 300 else receiver.refused).append(delivery)
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def _loopback_receivers(settings):
    """The test receivers listen on 127.0.0.1 (the policy's own tests turn this off)."""
    settings.ALLOW_PRIVATE_WEBHOOKS = True


def hooked(url: str, username: str | None = None):
    """A customer with a balance and a webhook to `url`; returns the account and the secret."""
    account, _ = make_account("100", username=username)
    _, secret = set_webhook(account=account, url=url, acting_user=Actor.cli())
    return account, secret


def order_of(account, **service):
    service_ = make_service(rate=Decimal("1"), **service)
    params = {"link": "https://x.com/a", "quantity": "1000"}
    return place_order(account=account, service=service_, params=params)
