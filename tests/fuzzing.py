"""Schema-driven fuzzing (schemathesis) of a JSON endpoint served by a real server: API v2's
tests and the Admin API's share it.

Requests generated from the endpoint's OpenAPI description, both fitting it and not (every method
and body type it lists, any values), most with a valid key: the server never answers 5xx, always
answers JSON, and a refused request changes nothing the caller's `state()` reads.
"""

import json
from collections.abc import Callable
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.schemas import OpenApiSchema

# The HTTP server (granian) refuses an oversized request head itself, with an empty body, as the
# OpenAPI descriptions say: a URL over 64 KiB (414), a head over its buffer of 408 KiB (431).
MAX_URL_BYTES = 65534
MAX_HEAD_BYTES = 417792


def schema(path: Path) -> OpenApiSchema:
    return schemathesis.openapi.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _with_key(case, key: str) -> None:
    """Put the valid key where the case's own parameters are."""
    if isinstance(case.body, dict):
        case.body["key"] = key
    else:
        case.query = {**(case.query or {}), "key": key}


def _refused(reply: object) -> bool:
    return isinstance(reply, dict) and set(reply) == {"error"}


def fuzz(
    described: OpenApiSchema, base_url: str, key: str, state: Callable[[], object], examples: int
) -> dict[str, int]:
    """Send `examples` generated requests, four in five with `key`; how many were answered,
    refused, or refused by the HTTP server for their size."""
    cases = st.one_of(
        described.as_strategy(GenerationMode.POSITIVE),
        described.as_strategy(GenerationMode.NEGATIVE),
    )
    seen: dict[str, int] = {}

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        # Shrinking a failure through a server takes minutes; the failing request is printed.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, valid_key=st.integers(0, 4))
    def one(case, valid_key):
        if valid_key:
            _with_key(case, key)
        before = state()
        response = case.call(base_url=base_url, timeout=30)
        sent = response.request
        request = f"{sent.method} {sent.url} {sent.headers} {sent.body!r:.300}"
        assert response.status_code < 500, request
        if response.status_code in (414, 431):
            head = len(sent.url.encode()) + sum(len(f"{k}: {v}") for k, v in sent.headers.items())
            limit = MAX_URL_BYTES if response.status_code == 414 else MAX_HEAD_BYTES
            assert len(sent.url.encode()) > limit or head > limit, request
            assert state() == before, request
            seen["head too large"] = seen.get("head too large", 0) + 1
            return
        content_type = response.headers.get("content-type")
        assert content_type == ["application/json; charset=utf-8"], (
            f"{response.status_code} {content_type} {response.content!r:.200} for {request}"
        )
        reply = json.loads(response.content)
        kind = "refused" if _refused(reply) else "answered"
        seen[kind] = seen.get(kind, 0) + 1
        if _refused(reply):
            assert state() == before, request

    one()
    return seen
