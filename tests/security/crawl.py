"""A crawler for the hostile-parameters test: finds every page from the URL resolver and the
links between pages, and sends hostile values to each GET parameter a page reads.

Which parameters a page reads is learnt two ways: the names its HTML uses (form fields, query
strings of links and of htmx requests, attributed to the page they point at) plus a list of
common names, and the names the page's code actually asked `request.GET` for (recorded by a
`QueryDict` that notes each name looked up). Each name a page reads gets every hostile value on
its own (another hostile parameter could make a form invalid and hide the one under test); the
names it does not read are sent together, a different hostile value on each, which shows that
they are ignored (and finds a name read only when another is present). A page that read nothing
and did not answer 200 (a log-in redirect, a refusal, a POST-only address) is not fuzzed
further. Path parameters get out-of-range numbers and hostile text in turn.
"""

import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import got_request_exception
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RoutePattern

HOSTILE_VALUES = [
    "99999999999999999999",  # beyond 64 bits: SQLite can't bind it
    "-1",
    "2147483648",  # beyond PostgreSQL's integer
    "9223372036854775808",  # beyond PostgreSQL's bigint and SQLite's integer
    "1e309",  # a float that is infinite
    "NaN",
    "",
    " ",
    "'",
    "<script>",
    "%00",  # the text, and the byte it stands for:
    "\x00",  # PostgreSQL refuses NUL in text
    "../",
    "x" * 10_000,
    "ünï 你好 😀",
    "²",  # str.isdigit() says yes, int() says no
]
# Values for a path parameter: numbers a `\d+` converter lets through, and text for the others.
HOSTILE_PATH_NUMBERS = ["99999999999999999999", "9223372036854775808", "2147483648", "0"]
HOSTILE_PATH_TEXT = ["'", "<script>", "%00", "..", "ünï😀", "x" * 1_000]
COMMON_NAMES = [
    "page",
    "q",
    "status",
    "service",
    "category",
    "user",
    "order",
    "orders",
    "id",
    "sort",
    "date",
    "from",
    "to",
    "date_from",
    "date_to",
    "next",
]
NUMBER_CONVERTERS = ("IntConverter", "IdConverter")


class RecordingQueryDict(QueryDict):
    """A query string that notes the names the page looked up (`read`, from the time
    `recording` is called: building it looks names up too); going through all of them (to copy
    them into a link, say) is not reading any one."""

    def recording(self) -> "RecordingQueryDict":
        self.__dict__["read"] = set()
        return self

    def _note(self, key: object) -> None:
        if "read" in self.__dict__ and not self.__dict__.get("quiet"):
            self.__dict__["read"].add(str(key))

    def __getitem__(self, key: str) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def getlist(self, key: str, default: Any = None) -> Any:
        self._note(key)
        return super().getlist(key, default)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def _quietly(self, method: Any) -> Any:
        self.__dict__["quiet"] = True
        try:
            return list(method())
        finally:
            self.__dict__["quiet"] = False

    def items(self) -> Any:
        return self._quietly(super().items)

    def values(self) -> Any:
        return self._quietly(super().values)

    def dict(self) -> Any:
        return dict(self._quietly(super().items))


class _RecordingGet:
    """`WSGIRequest.GET` as Django builds it, but recording (kept on the request once built)."""

    def __get__(self, request: WSGIRequest | None, owner: type) -> Any:
        if request is None:
            return self
        raw = request.environ.get("QUERY_STRING", "").encode("latin-1")
        query = RecordingQueryDict(raw, encoding=request._encoding).recording()
        request.__dict__["GET"] = query
        return query


def record_get_reads(monkeypatch: Any) -> None:
    monkeypatch.setattr(WSGIRequest, "GET", _RecordingGet())


@dataclass
class Route:
    """A URL pattern of the site: its name and its route with `<converter:name>` parameters."""

    name: str
    route: str
    converters: dict[str, str]

    def fill(self, values: dict[str, str]) -> str:
        def value(match: re.Match) -> str:
            return quote(values[match["name"]], safe="")

        return "/" + re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, self.route)


def routes(excluded_prefixes: tuple[str, ...], excluded_names: set[str]) -> list[Route]:
    """Every URL pattern of the site (re_path ones reversed by name), minus the exclusions."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), inner)
                continue
            assert isinstance(entry, URLPattern)
            route = prefix + str(entry.pattern)
            name = f"{namespace}{entry.name}"
            if route.startswith(excluded_prefixes) or name in excluded_names:
                continue
            if not isinstance(entry.pattern, RoutePattern):
                # A regular expression without parameters (the API): its plainest spelling.
                route = "".join(ch for ch in route if ch.isalnum() or ch in "/_-.")
                route = route.replace("?", "")
            converters = {
                key: type(value).__name__
                for key, value in getattr(entry.pattern, "converters", {}).items()
            }
            found.append(Route(name=name, route=route, converters=converters))

    walk(get_resolver(), "", "")
    return found


class _Page(HTMLParser):
    """The same-site URLs a page points at, and the parameter names sent to each."""

    def __init__(self, here: str):
        super().__init__()
        self.here = here
        self.targets: dict[str, set[str]] = {}
        self._form: str | None = None

    def _target(self, url: str | None) -> str | None:
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or url.startswith(("#", "javascript:", "mailto:")):
            return None
        path = parts.path or self.here
        if not path.startswith("/"):
            return None
        names = self.targets.setdefault(path, set())
        names.update(name for name, _ in parse_qsl(parts.query, keep_blank_values=True))
        return path

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for attribute in ("href", "src", "hx-get", "hx-post", "action"):
            self._target(attributes.get(attribute))
        if tag == "form":
            self._form = self._target(attributes.get("action") or self.here)
        if tag in ("input", "select", "textarea", "button") and (name := attributes.get("name")):
            target = self._target(
                attributes.get("hx-get") or attributes.get("hx-post") or self._form or self.here
            )
            if target is not None:
                self.targets[target].add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def links_of(path: str, html: str) -> dict[str, set[str]]:
    parser = _Page(path)
    parser.feed(html)
    return parser.targets


@dataclass
class SiteMap:
    """What the crawl found: a concrete path per route name, and the parameter names the pages
    point at each path with."""

    pages: dict[str, str] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Crawl:
    """One visitor's crawl (a test client, logged in or not); server errors end up in
    `failures`, with the exception each one raised."""

    client: Client
    routes: list[Route]
    failures: list[str] = field(default_factory=list)
    requests: int = 0
    # Path -> the parameter names its page read, each sent every hostile value.
    fuzzed: dict[str, set[str]] = field(default_factory=dict)
    _error: str = ""

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        url = path + ("?" + urlencode(params) if params else "")
        self._error = ""
        # Each request in its own savepoint: a database error must not abort the test's
        # transaction for the requests after it (PostgreSQL); and a GET changes nothing.
        savepoint = transaction.savepoint()
        got_request_exception.connect(self._exception)
        try:
            response = self.client.get(url)
        finally:
            got_request_exception.disconnect(self._exception)
            transaction.savepoint_rollback(savepoint)
        self.requests += 1
        if response.status_code >= 500:
            shown = {k: v if len(v) < 40 else v[:20] + "…" for k, v in (params or {}).items()}
            self.failures.append(f"{response.status_code} {path} {shown} {self._error}")
        return response

    def _exception(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        error = sys.exc_info()[1]
        self._error = f"{type(error).__name__}: {str(error)[:160]}"

    def _route_of(self, path: str) -> str | None:
        try:
            name = resolve(path).view_name
        except Resolver404:
            return None
        return name if any(route.name == name for route in self.routes) else None

    def discover(self, site: SiteMap) -> None:
        """Visit the pages breadth first from those already in `site`, adding a concrete path
        for each route met and the parameter names pointed at each path."""
        queue = list(site.pages.values())
        seen: set[str] = set()
        while queue:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            response = self.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for target, names in links_of(path, response.content.decode()).items():
                name = self._route_of(target)
                if name is None:
                    continue
                site.names.setdefault(target, set()).update(names)
                if name not in site.pages:
                    site.pages[name] = target
                    queue.append(target)

    def fuzz_query(self, path: str, shown: set[str]) -> None:
        """Each parameter the page reads with each hostile value alone; the others together.

        A page that read no parameter and did not answer 200 (a log-in redirect, a refusal, a
        POST-only address) never reached its own code: it has nothing to fuzz."""
        response = self.get(path)
        read = set(getattr(response.wsgi_request.GET, "read", ()))
        if response.status_code != 200 and not read:
            return
        others = sorted((shown | set(COMMON_NAMES)) - read)
        # The names it did not read, together, a different hostile value on each, in as few
        # requests as it takes to send every value (a page may still echo them all back, into
        # its pagination links say).
        for turn in range(0, len(HOSTILE_VALUES), max(1, len(others))):
            values = {
                name: HOSTILE_VALUES[(n + turn) % len(HOSTILE_VALUES)]
                for n, name in enumerate(others)
            }
            response = self.get(path, values)
            # A name read only when another one is present gets its own turn as well.
            read |= set(getattr(response.wsgi_request.GET, "read", ())) & set(others)
        self.fuzzed[path] = read
        for name in sorted(read):
            for value in HOSTILE_VALUES:
                self.get(path, {name: value})

    def fuzz_path(self, route: Route, real: dict[str, str]) -> None:
        """Each path parameter replaced by hostile values, the others kept real."""
        for name, converter in route.converters.items():
            hostile = HOSTILE_PATH_NUMBERS if converter in NUMBER_CONVERTERS else HOSTILE_PATH_TEXT
            for value in hostile:
                self.get(route.fill({**real, name: value}))

    def fuzz(self, site: SiteMap) -> None:
        for route in self.routes:
            found = site.pages.get(route.name)
            if found is not None:
                real = {key: str(value) for key, value in resolve(found).kwargs.items()}
            else:
                # Not linked from any page (a token's page, say): plain values.
                real = {
                    name: "1" if converter in NUMBER_CONVERTERS else "x"
                    for name, converter in route.converters.items()
                }
            path = route.fill(real)
            self.fuzz_query(path, site.names.get(path, set()))
            self.fuzz_path(route, real)
