"""`AsyncClient`: `Client` over `httpx.AsyncClient`, with the same methods (`methods.py`), each
awaited; the protocol itself lives in `protocol.py`."""

import asyncio
from types import TracebackType
from typing import Any, TypeVar

import httpx

from .dialect import Dialect, build_request
from .errors import ClientError, ProviderBadReply
from .methods import Methods
from .protocol import (
    MAX_REPLY_BYTES,
    Call,
    Plan,
    fault_from_exception,
    read_reply,
    retry_delay,
)

T = TypeVar("T")


class AsyncClient(Methods):
    """A typed client of one API v2 panel (`url` is its full endpoint, e.g. `…/api/v2`).

    Every method returns parsed results or raises a `ClientError` subclass; read-only actions are
    retried with backoff (`retries` times), `add`/`refill`/`cancel`/`add_product_order` only when
    nothing was sent. `calls` counts the HTTP requests made, per action.
    """

    def __init__(
        self,
        url: str,
        key: str,
        dialect: Dialect = Dialect(),  # noqa: B008 - frozen, shared safely
        *,
        timeout: float = 30,
        retries: int = 2,
        backoff: float = 0.5,
        max_reply_bytes: int = MAX_REPLY_BYTES,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url, self.key, self.dialect = url, key, dialect
        self.retries, self.backoff = retries, backoff
        self.max_reply_bytes = max_reply_bytes
        self.calls: dict[str, int] = {}
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport, follow_redirects=False)

    async def close(self) -> None:
        await self._http.aclose()

    aclose = close

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # --- the transport ---
    async def _send(self, call: Call) -> Any:
        request = build_request(self.url, self.key, self.dialect, call.action, call.params)
        self.calls[call.action] = self.calls.get(call.action, 0) + 1
        try:
            async with self._http.stream(
                request.method,
                request.url,
                params=request.query or None,
                data=request.form,
                content=request.json_body,
                headers=request.headers,
            ) as response:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > self.max_reply_bytes:
                        raise ProviderBadReply(f"reply larger than {self.max_reply_bytes} bytes")
        except httpx.HTTPError as error:
            raise fault_from_exception(error) from error
        except ValueError as error:  # an unusable URL
            raise fault_from_exception(httpx.UnsupportedProtocol(str(error))) from error
        return call.parse(read_reply(response.status_code, bytes(body)))

    async def _call(self, call: Call) -> Any:
        attempt = 0
        while True:
            try:
                return await self._send(call)
            except ClientError as error:
                delay = retry_delay(
                    call, error, attempt, retries=self.retries, backoff=self.backoff
                )
                if delay is None:
                    raise
                await asyncio.sleep(delay)
                attempt += 1

    async def _run(self, plan: Plan[T]) -> T:
        return plan.finish([await self._call(call) for call in plan.calls])
