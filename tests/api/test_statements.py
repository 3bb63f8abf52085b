"""The API's hot path: how many statements each action costs once the process caches are warm.
The key's lookup also reads the versions of every cached thing (`versions`), so nothing cached
costs a statement of its own. Before the one cache scheme (SQLite): add 7, status 2, services 2,
balance 1; PostgreSQL's add one more (its BEGIN), and 8 before its one statement; its status 2
before the orders' read rode along with the key's lookup.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smmpanel import ratelimit
from smmpanel.audit.log import Actor
from smmpanel.configuration.operations import update_settings
from tests.factories import make_account, make_service

# Committed: processes keep nothing read inside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://instagram.com/natgeo"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(monkeypatch):
    # The test client's address has made many requests in this minute by other tests.
    monkeypatch.setattr(ratelimit, "_limiters", {})
    cache.clear()


def statements(client: Client, key: str, action: str, **params: str) -> tuple[dict, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        reply = client.post("/api/v2", {"key": key, "action": action, **params}).json()
    return reply, [query["sql"] for query in queries]


def add_statements(refuse_duplicate_link: bool) -> int:
    if connection.vendor == "postgresql":
        return 2 + 4 * refuse_duplicate_link
    return 6 + 2 * refuse_duplicate_link


@pytest.mark.parametrize("refuse_duplicate_link", [False, True])
def test_each_action_costs_no_statement_for_what_is_cached(refuse_duplicate_link):
    update_settings(
        acting_user=Actor.system(), currency="EUR", refuse_duplicate_link=refuse_duplicate_link
    )
    _, key = make_account("100")
    service = make_service(rate=Decimal("1"))
    client = Client()
    on_postgresql = connection.vendor == "postgresql"
    order = {"service": str(service.pk), "link": LINK, "quantity": "100"}
    placed = client.post("/api/v2", {"key": key, "action": "add", **order, "link": LINK + "/0"})
    actions = {
        "services": ({}, 1),
        "balance": ({}, 1),
        # The order, the account's balance read and written, the ledger entry, the commit (with
        # the duplicate-link rule: the service's lock and the active orders of the link too).
        # PostgreSQL: the order with its charge is one statement (ledger.charge_new_order), in a
        # transaction of its own, or between BEGIN and COMMIT with the rule's two.
        "add": (order, add_statements(refuse_duplicate_link)),
        # PostgreSQL: the orders' read is a column of the key's lookup (status_reads.status_along).
        "status": ({"order": str(placed.json()["order"])}, 2 - on_postgresql),
    }
    for action, (params, expected) in actions.items():
        for link in ("/warm", "/again"):  # the first request of a process fills the caches
            warm = {**params, "link": LINK + link} if action == "add" else params
            statements(client, key, action, **warm)
        reply, sqls = statements(client, key, action, **params)
        assert "error" not in reply, reply
        assert len(sqls) == expected, (action, sqls)
        assert "version" in sqls[0]  # the key's lookup reads the versions with the account
