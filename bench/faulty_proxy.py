"""A fault-injecting HTTP proxy in front of an API v2 panel, for bench/soak.py.

Each `add`, `status` and `cancel` request is, with probability `rate`, given one of these faults
(the others pass through untouched):

- "error": `{"error": …}` at once, the request NOT passed on (a refusal, nothing placed);
- "timeout_before": no answer for longer than the client waits, the request NOT passed on;
- "timeout_after": the request passed on (an order IS placed), the answer held back too long;
- "http500", "html", "truncated": the request passed on, the answer replaced by an HTML 500, an
  HTML 200 page, or the first half of the real JSON.

So the client cannot tell an order placed from one not placed in four of the six kinds: the
reseller must put those in review and never send them again.
"""

import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import httpx

FAULTS = ("error", "timeout_before", "timeout_after", "http500", "html", "truncated")
FAULTY_ACTIONS = ("add", "status", "cancel")
HTML = b"<html><body><h1>502 Bad Gateway</h1><p>cloudflare</p></body></html>"


class FaultyProxy:
    """`FaultyProxy(target, rate=0.2, hold=3.0).start()`; `url`; `enabled` (faults on or off);
    `counts` (Counter of (action, fault or "ok")); `stop()`."""

    def __init__(self, target: str, *, rate: float, hold: float, seed: int = 1) -> None:
        self.target = target
        self.rate = rate
        self.hold = hold  # seconds a "timeout" holds the answer: more than the client's timeout
        self.enabled = False
        self.counts: Counter[tuple[str, str]] = Counter()
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._http = httpx.Client(timeout=30)
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/v2"

    def start(self) -> "FaultyProxy":
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                self._send(405, b"", "text/plain")

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.handle(self, body)

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting (a "timeout" fault)
                    self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        self._http.close()

    def _pick(self, action: str) -> str:
        with self._lock:
            fault = "ok"
            if self.enabled and action in FAULTY_ACTIONS and self._random.random() < self.rate:
                fault = self._random.choice(FAULTS)
            self.counts[(action, fault)] += 1
            return fault

    def handle(self, request: Any, body: bytes) -> None:
        content_type = request.headers.get("Content-Type", "")
        action = _action(body, content_type)
        fault = self._pick(action)
        if fault == "error":
            return request._send(200, b'{"error":"Simulated upstream trouble"}', "application/json")
        if fault == "timeout_before":
            time.sleep(self.hold)
            request.close_connection = True
            return None
        headers = {"Content-Type": content_type}
        if auth := request.headers.get("Authorization"):
            headers["Authorization"] = auth
        try:
            reply = self._http.post(self.target, content=body, headers=headers)
        except httpx.HTTPError:
            return request._send(502, HTML, "text/html")
        if fault == "timeout_after":
            time.sleep(self.hold)
            request.close_connection = True
            return None
        if fault == "http500":
            return request._send(500, HTML, "text/html")
        if fault == "html":
            return request._send(200, HTML, "text/html")
        if fault == "truncated":
            return request._send(200, reply.content[: len(reply.content) // 2], "application/json")
        return request._send(reply.status_code, reply.content, "application/json")


def _action(body: bytes, content_type: str) -> str:
    try:
        if "json" in content_type:
            return str(json.loads(body).get("action", ""))
        return parse_qs(body.decode())["action"][0]
    except (ValueError, KeyError, IndexError, AttributeError):
        return ""
