"""Django's SQLite backend, with writers queued in the kernel rather than in SQLite's busy handler.

Every transaction starts with `BEGIN IMMEDIATE` (see settings), so writers take SQLite's write lock
one at a time. A writer that finds it taken is parked by SQLite's busy handler, which sleeps
1, 2, 5, 10… milliseconds between tries: under a burst of orders from several server processes most
of the time goes to those sleeps, not to work. Here each transaction first takes an exclusive
`flock` on a file beside the database; a waiting writer blocks in the kernel and wakes the moment
the lock is released, and then finds SQLite's lock free. Readers never take it (WAL lets them read
while one writer writes). The kernel releases the lock of a process that dies.

Checkpoints (copying the pages of the write-ahead log into the database file) are moved out of the
lock too. SQLite runs one itself in the commit that takes the log past its threshold, with the
write lock still held: the copy and its two fsyncs then stop every other writer for milliseconds,
about once per hundred orders. Here each process has a checkpointer thread, with a connection of
its own, woken every `CHECKPOINT_EVERY` commits: it copies what the log holds without the lock
(PASSIVE: it never waits for a writer, and writers go on meanwhile), so that neither the request
that woke it nor any other writer waits for the copy. The log only starts over from its beginning
when a writer begins with all of it copied, so once it is longer than `RESTART_FRAMES` the thread
copies the last few pages, those written during its own copy, with the lock held. SQLite's own
checkpoint stays as a backstop, at a larger threshold (settings), for a process that writes
without committing here (statements in autocommit mode).
"""

import fcntl
import logging
import os
import sqlite3
import threading
from contextlib import closing
from typing import IO

from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)

# A connection asks for a checkpoint every this many commits of its own.
CHECKPOINT_EVERY = 50
# The log's length (in pages) past which a checkpoint makes it start over.
RESTART_FRAMES = 1000


class DatabaseWrapper(base.DatabaseWrapper):
    _write_queue: IO[bytes] | None = None
    _holds_write_queue = False
    _commits = 0

    def _queue_file(self) -> IO[bytes] | None:
        if self.is_in_memory_db():
            return None
        if self._write_queue is None:
            # One open file per connection: flock excludes separate opens even in one process.
            self._write_queue = open(f"{self.settings_dict['NAME']}-writers", "ab")  # noqa: SIM115
        return self._write_queue

    def _start_transaction_under_autocommit(self) -> None:
        queue = self._queue_file()
        if queue is not None:
            fcntl.flock(queue, fcntl.LOCK_EX)
            self._holds_write_queue = True
        try:
            # Django's own statement, on the driver's connection: the lock is held from here on,
            # and a cursor wrapper would only add to that time (see smmpanel.rows).
            with self.wrap_database_errors:
                mode = self.transaction_mode or ""  # type: ignore[attr-defined]
                self.connection.execute(f"BEGIN {mode}")
        except BaseException:
            self._leave_write_queue()
            raise

    def _leave_write_queue(self) -> None:
        if self._holds_write_queue and self._write_queue is not None:
            self._holds_write_queue = False
            fcntl.flock(self._write_queue, fcntl.LOCK_UN)

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._leave_write_queue()
        self._commits += 1
        if self._commits % CHECKPOINT_EVERY == 0:
            self._checkpoint()

    def _checkpoint(self) -> None:
        if self.is_in_memory_db():
            return
        path = self.settings_dict["NAME"]
        checkpointer = _checkpointers.get(path)
        # A forked process inherits the entry but not the thread.
        if checkpointer is None or checkpointer.pid != os.getpid():
            checkpointer = _checkpointers[path] = _Checkpointer(path)
            checkpointer.start()
        checkpointer.wanted.set()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_write_queue()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._leave_write_queue()
            if self._write_queue is not None:
                self._write_queue.close()
                self._write_queue = None


_checkpointers: dict[str, "_Checkpointer"] = {}
# Held while a checkpointer is inside SQLite, and taken by a fork: a child process would inherit
# SQLite's internal mutexes locked by a thread it does not have (the server forks its workers).
_in_sqlite = threading.Lock()
os.register_at_fork(
    before=_in_sqlite.acquire,
    after_in_parent=_in_sqlite.release,
    after_in_child=_in_sqlite.release,
)


class _Checkpointer(threading.Thread):
    """The process's checkpoints of one database file (see the module)."""

    def __init__(self, path: str) -> None:
        super().__init__(name="sqlite-checkpointer", daemon=True)
        self.path = path
        self.pid = os.getpid()
        self.wanted = threading.Event()

    def run(self) -> None:
        try:
            with _in_sqlite:
                db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
                # The two fsyncs of a checkpoint, as the panel's own connections make them.
                db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error:
            logger.warning("WAL checkpointer could not open the database", exc_info=True)
            return
        # A separate open of the queue file: its lock excludes this process's writers too.
        with closing(db), open(f"{self.path}-writers", "ab") as queue:
            while True:
                self.wanted.wait()
                self.wanted.clear()
                try:
                    if _copy_log(db) >= RESTART_FRAMES:
                        fcntl.flock(queue, fcntl.LOCK_EX)
                        try:
                            _copy_log(db)
                        finally:
                            fcntl.flock(queue, fcntl.LOCK_UN)
                except sqlite3.Error:
                    # Nothing is lost: the next checkpoint copies what this one did not.
                    logger.warning("WAL checkpoint failed", exc_info=True)


def _copy_log(db: sqlite3.Connection) -> int:
    """A passive checkpoint; the length of the log, in pages. (All of the statement's rows are
    fetched: a statement left unfinished keeps its read lock, and then the log can't start over.)"""
    with _in_sqlite:
        ((_busy, log_pages, _copied),) = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    return log_pages
