"""The SQLite backend's write queue: held for exactly the length of a transaction."""

import fcntl
from collections.abc import Iterator

import pytest
from django.db import connection, transaction

from smmpanel.accounts.models import Account

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the write queue is SQLite's"),
]


@pytest.fixture
def queue_taken() -> Iterator:
    """Whether another writer would have to wait now: a separate open of the queue file."""
    with open(f"{connection.settings_dict['NAME']}-writers", "ab") as other:

        def taken() -> bool:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(other, fcntl.LOCK_UN)
            return False

        yield taken


def test_a_transaction_holds_the_queue_until_it_commits(queue_taken):
    with transaction.atomic():
        Account.objects.count()
        assert queue_taken()
    assert not queue_taken()


def test_a_failed_transaction_gives_the_queue_back(queue_taken):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Account.objects.count()
        1 / 0  # noqa: B018
    assert not queue_taken()


def test_reads_outside_transactions_do_not_queue(queue_taken):
    with transaction.atomic():
        pass
    Account.objects.count()
    assert not queue_taken()
