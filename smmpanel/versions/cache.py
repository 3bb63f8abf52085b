"""Process caches kept exact: what a process read is kept with the version it was read at.

Each cached thing (`triggers.WATCHED`: the catalog, the panel's settings) has a version that
database triggers raise with every committed change of its tables, whoever makes it (another
process or machine, the back-office, an import, a queryset update, raw SQL). `cached` returns
what it kept while the versions it was read at are still the versions now, and reads it again
otherwise: nothing is stale, and nobody has to remember to invalidate anything.

All versions are read in one statement: within a `scope` (an API request, a page shown), once,
or with the API key's own lookup (`note`); outside one, on each use. A value is loaded after the
versions were read, so it is never older than they are.

Nothing is kept or served inside a transaction (it may have changed a watched table, whose
version PostgreSQL raises only at the commit, or roll back), nor for a thing whose triggers are
not all in place (checked once per process, with a warning). Kept values are shared by every
request of the process: callers read them and never change them.
"""

import logging
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

from smmpanel import rows
from smmpanel.versions import triggers

logger = logging.getLogger(__name__)

T = TypeVar("T")
Numbers = dict[str, int | None]

NAMES = tuple(triggers.WATCHED)
# One column per thing, so that the statement returns one row whatever rows exist; another
# statement (the API key's lookup) may carry these columns too.
COLUMNS = ", ".join(
    f"(SELECT number FROM {triggers.TABLE} WHERE name = '{name}')" for name in NAMES
)
_READ = f"SELECT {COLUMNS}"

# What is kept, by key: the versions it was read at, and the value.
_kept: dict[Hashable, tuple[tuple[int, ...], Any]] = {}
# The things whose triggers are all in place in this process's database (checked once).
_watched: frozenset[str] | None = None
# The scope open in this thread: its versions ({} until read), the values it was given (by key),
# and its connection (looked up at its first use); `numbers` is None outside a scope.
_scope = threading.local()


def forget() -> None:
    """Drop everything kept and the triggers' check (tests: each test's database is new)."""
    global _watched
    _watched = None
    _kept.clear()
    given = getattr(_scope, "given", None)
    if given is not None:
        given.clear()


class _Scope:
    """The block of `scope` (a class: a generator-based context manager costs a request more)."""

    __slots__ = ("inner",)

    def __enter__(self) -> None:
        self.inner = getattr(_scope, "numbers", None) is not None
        if not self.inner:
            _scope.numbers = {}
            _scope.given = {}
            _scope.db = None

    def __exit__(self, *_exc: object) -> None:
        if not self.inner:
            _scope.numbers = _scope.given = _scope.db = None


def scope() -> _Scope:
    """Read the versions at most once until the block ends (a request that changes no watched
    table; nested scopes are the outer one). A value is then looked up once per scope: the API
    reads the settings several times per request, and each read costs no more than a dict's."""
    return _Scope()


def note(values: tuple | list) -> None:
    """The versions read by another statement with `COLUMNS`, in their order: the open scope's
    versions, when it has none yet."""
    numbers = getattr(_scope, "numbers", None)
    if numbers is not None and not numbers:
        numbers.update(zip(NAMES, values, strict=True))


def _read() -> Numbers:
    numbers = dict(zip(NAMES, rows.fetchone(_READ, []) or (), strict=True))
    missing = [name for name, number in numbers.items() if number is None]
    if missing:
        # Flushed or restored without them: each starts at a random number (triggers.START).
        start = triggers.START[connections[DEFAULT_DB_ALIAS].vendor]
        for name in missing:
            rows.execute(
                f"INSERT INTO {triggers.TABLE} (name, number) VALUES (%s, {start}) "
                "ON CONFLICT (name) DO NOTHING",
                [name],
            )
        numbers = dict(zip(NAMES, rows.fetchone(_READ, []) or (), strict=True))
    return numbers


def _numbers(names: tuple[str, ...]) -> tuple[int, ...] | None:
    """The versions of `names` now (None when one cannot be read)."""
    numbers = getattr(_scope, "numbers", None)
    if numbers is None:
        found = tuple(map(_read().get, names))
    else:
        found = tuple(map(numbers.get, names)) if numbers else (None,)
        if None in found:  # the scope's first read, or a thing since flushed
            numbers.update(_read())
            found = tuple(map(numbers.get, names))
    return None if None in found else found  # type: ignore[return-value]


def _check_triggers(vendor: str) -> frozenset[str]:
    global _watched
    if _watched is None:
        sql = triggers.in_place_sql(vendor)
        found = {row[0] for row in rows.fetchall(sql, [])} if sql else set()
        _watched = frozenset(
            name
            for name, tables in triggers.WATCHED.items()
            if triggers.names(vendor, name, tables) <= found
        )
        for name in NAMES:
            if name not in _watched:
                logger.warning("version triggers missing for %s: it is read on every use", name)
    return _watched


def cached(names: tuple[str, ...], key: Hashable, load: Callable[[], T]) -> T:
    """`load()`, or what it returned earlier while the versions of `names` have not changed."""
    given = getattr(_scope, "given", None)
    # The scope's value, as `updated` would return it, without building its function.
    if given is not None and key in given and not _scope.db.in_atomic_block:
        return given[key]
    return updated(names, key, lambda _before: load())


def updated(names: tuple[str, ...], key: Hashable, update: Callable[[T | None], T]) -> T:
    """Like `cached`; `update` is given what it returned at the versions before (None the first
    time, inside a transaction, or when the triggers are missing)."""
    given = getattr(_scope, "given", None)
    if given is None:
        db = connections[DEFAULT_DB_ALIAS]
    else:
        db = _scope.db
        if db is None:  # the scope's first use (pages that read nothing cached never look)
            db = _scope.db = connections[DEFAULT_DB_ALIAS]
        elif key in given and not db.in_atomic_block:
            return given[key]
    if db.in_atomic_block or not (_watched or _check_triggers(db.vendor)).issuperset(names):
        return update(None)
    numbers = _numbers(names)
    if numbers is None:
        return update(None)
    kept = _kept.get(key)
    if kept is None or kept[0] != numbers:
        kept = (numbers, update(kept[1] if kept is not None else None))
        _kept[key] = kept
    if given is not None:
        given[key] = kept[1]
    return kept[1]
