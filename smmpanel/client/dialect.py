"""How one provider wants to be spoken to, and the HTTP request an action becomes in its dialect."""

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Literal

# Parameters sent as JSON numbers when `numeric_ids` is set and the value is all digits.
NUMERIC_PARAMS = frozenset(
    {
        "service",
        "order",
        "refill",
        "product",
        "quantity",
        "runs",
        "interval",
        "min",
        "max",
        "posts",
        "old_posts",
        "delay",
        "answer_number",
    }
)
_DIGITS = re.compile(r"^[0-9]{1,18}$")


@dataclass(frozen=True)
class Dialect:
    """A provider's API v2 dialect. Stored per provider as `to_json()`."""

    method: Literal["POST", "GET"] = "POST"
    body: Literal["form", "json"] = "form"  # ignored for GET (query string)
    auth: Literal["key", "bearer"] = "key"  # `key` parameter or `Authorization: Bearer`
    numeric_ids: bool = False  # JSON bodies: ids and quantities as JSON numbers

    def __post_init__(self) -> None:
        if self.method not in ("POST", "GET"):
            raise ValueError(f"method must be POST or GET, not {self.method!r}")
        if self.body not in ("form", "json"):
            raise ValueError(f"body must be form or json, not {self.body!r}")
        if self.auth not in ("key", "bearer"):
            raise ValueError(f"auth must be key or bearer, not {self.auth!r}")
        if not isinstance(self.numeric_ids, bool):
            raise ValueError("numeric_ids must be a boolean")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes | None) -> "Dialect":
        """The dialect stored as JSON; missing keys take the defaults. ValueError when malformed."""
        if not text:
            return cls()
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a dialect is a JSON object")
        known = {key: data[key] for key in ("method", "body", "auth", "numeric_ids") if key in data}
        if "method" in known and isinstance(known["method"], str):
            known["method"] = known["method"].upper()
        return cls(**known)

    def describe(self) -> str:
        """Short human form: `POST form, key param`."""
        if self.method == "GET":
            how = "GET query"
        else:
            how = f"POST {self.body}" + (", numeric ids" if self.numeric_ids else "")
        return f"{how}, {'Bearer header' if self.auth == 'bearer' else 'key param'}"


@dataclass(frozen=True)
class HttpRequest:
    """What a transport sends: exactly one of `query`, `form` or `json_body` carries the params."""

    method: str
    url: str
    headers: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    json_body: bytes | None = None


USER_AGENT = "smmpanel-client/0.1 (API v2)"


def build_request(
    url: str, key: str, dialect: Dialect, action: str, params: dict[str, str]
) -> HttpRequest:
    """The HTTP request for `action` with string `params`, in `dialect`."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    values: dict[str, str] = {}
    if dialect.auth == "bearer":
        headers["Authorization"] = f"Bearer {key}"
    else:
        values["key"] = key
    values["action"] = action
    values.update(params)
    if dialect.method == "GET":
        return HttpRequest("GET", url, headers, query=values)
    if dialect.body == "json":
        body: dict[str, object] = dict(values)
        if dialect.numeric_ids:
            for name, value in values.items():
                if name in NUMERIC_PARAMS and _DIGITS.match(value):
                    body[name] = int(value)
        headers["Content-Type"] = "application/json"
        return HttpRequest("POST", url, headers, json_body=json.dumps(body).encode())
    return HttpRequest("POST", url, headers, form=values)
