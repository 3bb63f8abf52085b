"""Fixtures of the client tests: fake upstreams over real HTTP, and the client in both flavours.

`connect` gives the sync `Client` or the `AsyncClient` (run by `asyncio.run`) behind one calling
convention, so that one table of tests covers both.
"""

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from smmpanel.client import AsyncClient, Client, Dialect
from smmpanel.client.testing import FakeUpstream, UpstreamDialect

# How our client is configured for each seed panel (as an operator would set it).
SEED_CLIENT_DIALECTS = {
    "vtechsmm": Dialect(auth="bearer"),
    "smmplus": Dialect(),
    "pusatpanelsmm": Dialect(),
    "smmvna": Dialect(),
    "baostar": Dialect(body="json", numeric_ids=True),
}


class AsyncDriver:
    """An AsyncClient per call, in a fresh event loop: `driver.status("1")` returns the result."""

    def __init__(self, url: str, key: str, dialect: Dialect, **options: Any) -> None:
        self.url, self.key, self.dialect, self.options = url, key, dialect, options

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            async def run() -> Any:
                async with AsyncClient(self.url, self.key, self.dialect, **self.options) as client:
                    return await getattr(client, name)(*args, **kwargs)

            return asyncio.run(run())

        return call


@pytest.fixture(params=["sync", "async"])
def flavour(request) -> str:
    return request.param


@pytest.fixture
def connect(flavour) -> Iterator[Callable[..., Any]]:
    """connect(url, key, dialect=Dialect(), **options) -> Client or AsyncDriver."""
    opened: list[Any] = []

    def make(url: str, key: str, dialect: Dialect = Dialect(), **options: Any) -> Any:  # noqa: B008
        options.setdefault("backoff", 0)
        kind = Client if flavour == "sync" else AsyncDriver
        client = kind(url, key, dialect, **options)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


@pytest.fixture
def upstream_of() -> Iterator[Callable[..., FakeUpstream]]:
    """upstream_of(dialect or seed name) -> a started FakeUpstream, stopped after the test."""
    started: list[FakeUpstream] = []

    def make(dialect: UpstreamDialect | str = UpstreamDialect()) -> FakeUpstream:  # noqa: B008
        upstream = FakeUpstream(dialect).start()
        started.append(upstream)
        return upstream

    yield make
    for upstream in started:
        upstream.stop()


@pytest.fixture
def upstream(upstream_of) -> FakeUpstream:
    return upstream_of()


class FlakyConnect(httpx.BaseTransport):
    """Refuses the first `failures` connections (nothing is sent), then passes requests on."""

    def __init__(self, failures: int = 1) -> None:
        self.failures, self.attempts = failures, 0
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise httpx.ConnectError("connection refused", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncFlakyConnect(httpx.AsyncBaseTransport):
    def __init__(self, failures: int = 1) -> None:
        self.failures, self.attempts = failures, 0
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
