"""Django's SQLite backend, with writers queued in the kernel rather than in SQLite's busy handler.

Every transaction starts with `BEGIN IMMEDIATE` (see settings), so writers take SQLite's write lock
one at a time. A writer that finds it taken is parked by SQLite's busy handler, which sleeps
1, 2, 5, 10… milliseconds between tries: under a burst of orders from several server processes most
of the time goes to those sleeps, not to work. Here each transaction first takes an exclusive
`flock` on a file beside the database; a waiting writer blocks in the kernel and wakes the moment
the lock is released, and then finds SQLite's lock free. Readers never take it (WAL lets them read
while one writer writes). The kernel releases the lock of a process that dies.
"""

import fcntl
from typing import IO

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _write_queue: IO[bytes] | None = None
    _holds_write_queue = False

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
