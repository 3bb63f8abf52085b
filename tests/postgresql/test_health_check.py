"""The PostgreSQL backend's health check: no round trip for a live connection, and a connection
the server has ended is replaced before the request's first statement."""

import os
import select

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

from smmpanel.accounts.models import Account

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def new_request() -> None:
    """What Django does when a request starts (`close_old_connections`)."""
    connection.close_if_unusable_or_obsolete()


def test_a_live_connection_is_checked_without_asking_the_server(monkeypatch):
    Account.objects.count()

    def asked(self: DjangoWrapper) -> bool:
        raise AssertionError("the health check asked the server")

    monkeypatch.setattr(DjangoWrapper, "is_usable", asked)
    new_request()
    connection.close_if_health_check_failed()
    assert connection.connection is not None
    assert Account.objects.count() == 0


@pytest.mark.skipif(
    bool(os.environ.get("SMMPANEL_DATABASE_TRANSACTION_POOLING")),
    reason="a pooler keeps its client's connection when a server connection ends",
)
def test_a_connection_the_server_ended_is_replaced_before_the_first_statement():
    Account.objects.count()
    ended = connection.connection.info.backend_pid
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"],
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [ended])
    # The server's farewell reaches the socket a moment later.
    assert select.select([connection.connection.fileno()], [], [], 10)[0]
    new_request()
    assert Account.objects.count() == 0
    assert connection.connection.info.backend_pid != ended
