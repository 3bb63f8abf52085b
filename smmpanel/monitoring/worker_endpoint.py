"""The worker's own `/metrics` (SMMPANEL_WORKER_METRICS_PORT): the calls to providers are made by
the worker, in a process no server reads the counts of. The same access rules as the servers'
`/metrics` (token or allowed address); the database's gauges are the servers'."""

import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from prometheus_client import make_wsgi_app

from smmpanel.monitoring.access import address_allowed, token_matches

FORBIDDEN = b'{"status": "forbidden"}'


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


def guarded(app: Callable) -> Callable:
    """`app`, to a request bearing the token or from an allowed address; 403 to the others."""

    def guarded_app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if token_matches(authorization, settings.METRICS_TOKEN) or address_allowed(
            environ.get("REMOTE_ADDR", ""), settings.METRICS_ALLOW
        ):
            return app(environ, start_response)
        start_response("403 Forbidden", [("Content-Type", "application/json")])
        return [FORBIDDEN]

    return guarded_app


def start(host: str, port: int) -> WSGIServer:
    """Serve this process's metrics on host:port from a daemon thread; returns the server."""
    server = make_server(host, port, guarded(make_wsgi_app()), handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server
