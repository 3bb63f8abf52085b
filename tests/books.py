"""A fixture for the directories whose every test must end with the books balanced: each balance
equals the sum of its ledger (`smmpanel audit`'s check). A directory's conftest imports it."""

from collections.abc import Iterator

import pytest


def _database_fixture(request: pytest.FixtureRequest) -> str | None:
    """The database fixture the test uses, if any (so that the check runs before it ends)."""
    if "transactional_db" in request.fixturenames:
        return "transactional_db"
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return "transactional_db"
    if marker is not None or "db" in request.fixturenames:
        return "db"
    return None


@pytest.fixture(autouse=True)
def books_balance(request: pytest.FixtureRequest) -> Iterator[None]:
    database = _database_fixture(request)
    if database is not None:
        request.getfixturevalue(database)
    yield
    if database is not None:
        from smmpanel.accounts.ledger import audit

        assert audit() == [], "a balance differs from its ledger"
