"""The fake panel over real HTTP: dialect checks, fault injection, call counting."""

import json
import re
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .panel import Panel

FAULT_KINDS = ("slow", "http500", "html", "empty", "truncated", "error", "shape", "drop")
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@dataclass
class Fault:
    """One injected failure; see `FakeUpstream.fail`."""

    kind: str
    actions: frozenset[str] | None = None  # None: every action
    times: int | None = None  # None: until cleared
    performed: bool = True  # the action is carried out before the faulty reply
    delay: float = 2.0  # "slow"
    message: str = "Not enough funds on balance"  # "error"


@dataclass(frozen=True)
class ReceivedRequest:
    action: str
    method: str
    encoding: str  # "form", "json", "query", "multipart", "other", "none"
    bearer: bool  # an Authorization: Bearer header was present
    params: dict[str, str] = field(default_factory=dict)  # without the key
    body: bytes = b""  # as received


def encode(value: Any) -> bytes:
    """JSON with Decimal written as an exact number (2.5, not "2.5" nor a float)."""
    marks: list[str] = []

    def prepare(item: Any) -> Any:
        if isinstance(item, Decimal):
            marks.append(format(item, "f"))
            return f"\x00{len(marks) - 1}\x00"
        if isinstance(item, dict):
            return {key: prepare(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [prepare(inner) for inner in item]
        return item

    text = json.dumps(prepare(value))
    return re.sub(r'"\\u0000(\d+)\\u0000"', lambda m: marks[int(m.group(1))], text).encode()


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    return "" if value is None else str(value).strip()


class Handler(BaseHTTPRequestHandler):
    server: "UpstreamServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def _read(self) -> tuple[str, dict[str, str], bool, bytes]:
        """(encoding, params as this panel reads them, bearer used) — keys it ignores dropped."""
        dialect = self.server.panel.dialect
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params: dict[str, str] = {}
        encoding = "none"
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        if query:
            encoding = "query"
            if "query" in dialect.bodies:
                params.update(query)
        if body:
            if content_type == "application/json":
                encoding = "json"
                if "json" in dialect.bodies:
                    try:
                        data = json.loads(body)
                    except ValueError:
                        data = None
                    if isinstance(data, dict):
                        params.update({str(k): _text(v) for k, v in data.items()})
            elif content_type == "application/x-www-form-urlencoded":
                encoding = "form"
                if "form" in dialect.bodies:
                    params.update(parse_qsl(body.decode(), keep_blank_values=True))
            else:
                encoding = "multipart" if content_type.startswith("multipart/") else "other"
        if "key" not in dialect.auth:
            params.pop("key", None)
        authorization = self.headers.get("Authorization") or ""
        bearer = authorization.lower().startswith("bearer ")
        if bearer and "bearer" in dialect.auth:
            params.setdefault("key", authorization[7:].strip())
        return encoding, params, bearer, body

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        upstream = self.server.upstream
        panel = upstream.panel
        path = urlsplit(self.path).path
        if path.rstrip("/") != panel.dialect.path.rstrip("/"):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._send(404, HTML.replace(b"502 Bad Gateway", b"404 Not Found"), "text/html")
            return
        encoding, params, bearer, body = self._read()
        action = params.get("action", "")
        key = params.pop("key", None)
        with panel.lock:
            panel.calls[action] += 1
            upstream.requests.append(
                ReceivedRequest(action, self.command, encoding, bearer, params, body)
            )
            if action == "add":
                upstream.add_requests.append(dict(params))
            fault = upstream.take_fault(action)
            if fault and not fault.performed:
                reply: Any = None
            elif key != upstream.key:
                reply = {"error": "Invalid API key"}
            elif action not in panel.dialect.actions or (
                self.command == "GET" and "query" not in panel.dialect.bodies
            ):
                reply = {"error": "Incorrect request"}
            else:
                reply = getattr(panel, f"{action}_reply")(params)
        self._reply(reply, fault)

    def _reply(self, reply: Any, fault: Fault | None) -> None:
        if fault is None:
            self._send(200, encode(reply))
        elif fault.kind == "slow":
            time.sleep(fault.delay)
            self._send(200, encode(reply))
        elif fault.kind == "http500":
            self._send(
                500, HTML.replace(b"502 Bad Gateway", b"500 Internal Server Error"), "text/html"
            )
        elif fault.kind == "html":
            self._send(200, HTML, "text/html")
        elif fault.kind == "empty":
            self._send(200, b"")
        elif fault.kind == "truncated":
            body = encode(reply if reply is not None else {"order": 1, "status": "Pending"})
            self._send(200, body[: max(1, len(body) // 2)])
        elif fault.kind == "error":
            self._send(200, encode({"error": fault.message}))
        elif fault.kind == "shape":
            self._send(200, encode({"unexpected": "reply"}))
        else:  # "drop": close without a reply
            self.close_connection = True


class UpstreamServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    upstream: Any  # FakeUpstream
    panel: Panel

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet when a client went away (a timed-out test client); loud otherwise."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(upstream: Any, port: int = 0) -> tuple[UpstreamServer, threading.Thread]:
    server = UpstreamServer(("127.0.0.1", port), Handler)
    server.upstream, server.panel = upstream, upstream.panel
    thread = threading.Thread(
        target=server.serve_forever, args=(0.05,), name="fake-upstream", daemon=True
    )
    thread.start()
    return server, thread
