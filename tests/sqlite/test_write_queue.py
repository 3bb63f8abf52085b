"""The SQLite backend's write queue, held for exactly the length of a transaction, and its
checkpointer thread, which copies the log outside it."""

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection, transaction

from smmpanel.accounts.models import Account
from smmpanel.catalog.models import Category
from smmpanel.sqlite.base import CHECKPOINT_EVERY, RESTART_FRAMES

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the write queue is SQLite's"),
]


@pytest.fixture
def queue_taken() -> Iterator:
    """Whether another writer would have to wait now: a separate open of the queue file.
    Once the queue is given back, only this process's checkpointer thread may still take it,
    for the few milliseconds of a checkpoint's end: `taken(settle=…)` waits that long for it."""
    with open(f"{connection.settings_dict['NAME']}-writers", "ab") as other:

        def taken(settle: float = 0) -> bool:
            deadline = time.monotonic() + settle
            while True:
                try:
                    fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        return True
                    time.sleep(0.005)
                    continue
                fcntl.flock(other, fcntl.LOCK_UN)
                return False

        yield taken


SETTLE = 2.0


def test_a_transaction_holds_the_queue_until_it_commits(queue_taken):
    with transaction.atomic():
        Account.objects.count()
        assert queue_taken()
    assert not queue_taken(settle=SETTLE)


def test_a_failed_transaction_gives_the_queue_back(queue_taken):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Account.objects.count()
        1 / 0  # noqa: B018
    assert not queue_taken(settle=SETTLE)


def test_reads_outside_transactions_do_not_queue(queue_taken):
    with transaction.atomic():
        pass
    Account.objects.count()
    assert not queue_taken(settle=SETTLE)


def test_the_log_is_copied_and_starts_over_while_commits_go_on():
    """Without the checkpointer thread, SQLite would copy the log only at 10,000 pages (the
    backstop): the log would hold every page these commits wrote."""
    with connection.cursor() as cursor:
        page = cursor.execute("PRAGMA page_size").fetchall()[0][0]
        # Start from an empty log file (its size only grows: it is overwritten from the start).
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    wal = Path(f"{connection.settings_dict['NAME']}-wal")
    name = "c" * 240
    largest = 0
    for batch in range(600):
        with transaction.atomic():
            Category.objects.bulk_create(
                Category(name=f"{name}{batch}-{n}", sort_order=n) for n in range(10)
            )
        largest = max(largest, wal.stat().st_size // (page + 24))
    assert Category.objects.count() == 6000
    # About ten pages per commit, 6,000 in all; the log never held more than a fraction of them.
    assert largest < RESTART_FRAMES * 3


def test_a_process_forked_beside_a_checkpointer_can_use_the_database():
    """The server forks its workers from a process that may have a checkpointer running (the
    demo does, after seeding): a child must not inherit SQLite's locks held by that thread. A
    smoke test of the fork handlers, forking while checkpoints run: the race itself is rare."""
    for batch in range(3 * CHECKPOINT_EVERY):
        with transaction.atomic():
            Category.objects.create(name=f"fork-{batch}")
    path = connection.settings_dict["NAME"]
    for _ in range(20):
        pid = os.fork()
        if pid == 0:  # the child: the checkpointer's locks must not be inherited held
            try:
                with closing(sqlite3.connect(path, timeout=5)) as db:
                    count = db.execute("SELECT COUNT(*) FROM catalog_category").fetchall()
                os._exit(0 if count[0][0] >= 3 * CHECKPOINT_EVERY else 1)
            finally:
                os._exit(2)
        with transaction.atomic():
            Category.objects.create(name=f"parent-{pid}")
        deadline = time.monotonic() + 20
        while (done := os.waitpid(pid, os.WNOHANG)) == (0, 0):
            assert time.monotonic() < deadline, "the forked process hangs"
            time.sleep(0.01)
        assert os.waitstatus_to_exitcode(done[1]) == 0
