"""A payment gateway's API as its documentation describes it, served over real HTTP.

Each fake (one module per gateway) subclasses `FakeGateway`, lists its routes as
(HTTP method, path pattern, handler) and keeps the state its API would (the payments it
created, their statuses). It checks what the gateway checks (keys, signatures), answers in the
documented shapes, and builds the notifications the gateway would send, signed as its docs say
(`notification`-style helpers are the fake's own). Use it as a context manager:

    with FakeStripe() as stripe:
        method = make_method("stripe", credentials={"secret_key": ..., "api_url": stripe.url})
"""

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Received:
    """One request the fake received, as it came."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    match: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes as they are
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


Route = tuple[str, str, Callable[[Received], Reply]]


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_PUT(self) -> None:  # noqa: N802
        self._handle()

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle()

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        received = Received(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body,
        )
        reply = self.server.fake.dispatch(received)
        payload = reply.body
        if isinstance(payload, dict | list):
            data = json.dumps(payload).encode()
        elif isinstance(payload, str):
            data = payload.encode()
        else:
            data = payload or b""
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: "FakeGateway"


class FakeGateway:
    """Routes requests to handlers, records them, serves on a free port of 127.0.0.1."""

    routes: list[Route] = []

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self._server: _Server | None = None

    def route_table(self) -> list[Route]:
        """(method, path regex, handler); override to bind handlers of the instance."""
        return self.routes

    def dispatch(self, received: Received) -> Reply:
        with self.lock:
            self.requests.append(received)
            for method, pattern, handler in self.route_table():
                found = re.fullmatch(pattern, received.path)
                if found and method == received.method:
                    received.match = found.groupdict()
                    return handler(received)
        return Reply(404, {"error": "not found"})

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first (use it as a context manager)"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeGateway":
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
