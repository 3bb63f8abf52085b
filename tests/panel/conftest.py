import pytest
from django.core.cache import cache
from django.test import Client

from smmpanel.payments.models import PaymentMethod
from tests.factories import make_account


@pytest.fixture(autouse=True)
def _fresh_throttle(django_db_blocker):
    """Log-in throttling counts in the cache (the database's): each test starts with none."""
    with django_db_blocker.unblock():
        cache.clear()
    yield
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture
def customer(db):
    account, key = make_account("100", username="alice")
    account.user.set_password("correct horse battery")
    account.user.email = "alice@example.com"
    account.user.save()
    return account


@pytest.fixture
def browser(customer) -> Client:
    """A logged-in customer's browser."""
    client = Client()
    client.force_login(customer.user)
    return client


@pytest.fixture
def bank(db) -> PaymentMethod:
    return PaymentMethod.objects.create(
        name="Bank transfer",
        gateway="manual",
        instructions="BCA 123-456-789 a/n Panel",
        min_amount=5,
        max_amount=1000,
    )
