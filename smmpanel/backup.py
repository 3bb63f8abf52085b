"""Online backup and restore of the SQLite database (PostgreSQL: pg_dump/pg_restore, see README).

Both go through SQLite's online backup API, page by page under SQLite's own locks, so a backup
taken while the panel writes is a consistent snapshot, and a restore into a database that other
connections hold open is seen by them as a whole.
"""

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

# Every smmpanel process holds this file locked (shared) while it runs.
RUNNING_LOCK = "smmpanel.running"
# Tables that make a database a smmpanel one.
REQUIRED_TABLES = ("django_migrations", "accounts_account", "accounts_ledgerentry", "orders_order")
# The versions of what processes cache (versions.cache); the catalog's alone in backups between
# catalog/0004 and catalog/0007, none before.
VERSION_TABLES = ("versions_version", "catalog_catalogversion")


class BackupError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def sqlite_path() -> Path:
    """The panel's SQLite database file; BackupError when the panel runs on another database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "smmpanel.sqlite":
        raise BackupError(
            "The panel runs on PostgreSQL: back it up with pg_dump and restore it with "
            "pg_restore (README, Backups)."
        )
    return Path(database["NAME"])


@contextmanager
def running(data_dir: Path | None = None) -> Iterator[None]:
    """Mark the panel as running (a shared lock on a file in the data directory)."""
    path = Path(data_dir or settings.DATA_DIR) / RUNNING_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


def is_running(data_dir: Path | None = None) -> bool:
    path = Path(data_dir or settings.DATA_DIR) / RUNNING_LOCK
    if not path.exists():
        return False
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def check_database(path: Path) -> set[str]:
    """BackupError unless `path` is an intact smmpanel SQLite database; its tables."""
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with _connect(path, readonly=True) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from None
    if result != [("ok",)]:
        raise BackupError(f"{path} fails the integrity check: {result[0][0]}")
    if missing := [name for name in REQUIRED_TABLES if name not in tables]:
        raise BackupError(f"{path} is not a smmpanel database (no {', '.join(missing)})")
    return tables


def backup(*, target: Path) -> Path:
    """Copy the live database to `target` (a self-contained file), consistent while the panel
    writes; the copy is checked before it replaces `target`."""
    source = sqlite_path()
    target = target.resolve()
    if target.is_dir():
        raise BackupError(f"{target} is a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with _connect(source, readonly=True) as live, _connect(partial) as copy:
        live.backup(copy)
        # A backup is one file: no WAL beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    check_database(partial)
    os.replace(partial, target)
    return target


def restore(*, source: Path, force: bool = False) -> Path:
    """Replace the panel's database with the backup `source`, after checking it. Refused while
    the panel runs, unless `force` (running processes then see the restored data)."""
    source = source.resolve()
    tables = check_database(source)
    target = sqlite_path()
    if target.exists() and is_running() and not force:
        raise BackupError(
            "The panel is running on this database: stop `smmpanel serve` and `smmpanel worker` "
            "first, or restore with --force."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with _connect(source, readonly=True) as backup_copy, _connect(target) as live:
        live.execute("PRAGMA busy_timeout = 30000")
        backup_copy.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
        for table in VERSION_TABLES:
            if table in tables:
                # Running processes keep what they read by version (versions.cache): the
                # restored data get numbers none of them can have seen with other data.
                live.execute(f"UPDATE {table} SET number = random() & 4611686018427387903")
    return target


@contextmanager
def _connect(path: Path, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    connection = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()
