import pytest
from django.core.cache import cache

from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from tests.browser.conftest import chromium  # noqa: F401  (the phone layout's browser)
from tests.factories import make_account, make_service


@pytest.fixture(autouse=True)
def _fresh_limits(django_db_blocker):
    """The opening rate limit counts in the cache (the database's): each test starts with none."""
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def customer(db):
    """A customer who reads the panel in Indonesian."""
    account, _key = make_account("100", username="budi")
    account.language = "id"
    account.save(update_fields=["language"])
    return account


def order_of(account, status=OrderStatus.COMPLETED, **service):
    """An order of `account` of a new service (`service`: its options), ended in `status`."""
    order = place_order(
        account=account,
        service=make_service(**service),
        params={"link": "https://instagram.com/p/abc", "quantity": "100"},
    )
    if status != OrderStatus.PENDING:
        order = apply_status(order_id=order.pk, status=status, start_count=10, remains=0)
    return order
