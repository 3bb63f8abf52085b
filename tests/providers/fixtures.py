"""Fixtures and helpers for provider tests: a fake upstream panel over real HTTP, a provider
connected to it, its catalog imported at cost."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Service
from smmpanel.client.testing import FakeUpstream
from smmpanel.orders.models import Order
from smmpanel.orders.placement import place_order
from smmpanel.providers.catalog_import import import_catalog
from smmpanel.providers.models import Provider
from smmpanel.providers.operations import add_provider
from tests.factories import make_account

LINK = "https://instagram.com/someone"


@pytest.fixture
def quick_providers(settings):
    """Short provider timeouts and polls for tests (every test with a fake upstream has them)."""
    settings.PROVIDER_TIMEOUT_SECONDS = 1.0
    settings.PROVIDER_POLL_SECONDS = 10
    settings.PROVIDER_POLL_MAX_SECONDS = 600


@pytest.fixture
def upstream(quick_providers) -> Iterator[FakeUpstream]:
    fake = FakeUpstream().start()
    yield fake
    # Its HTTP server takes half a second to notice a shutdown: don't wait for it.
    threading.Thread(target=fake.stop, daemon=True).start()


@contextmanager
def unaudited() -> Iterator[None]:
    """Setting up a test is no operator's decision: the audit entries the actions write meanwhile
    are removed, so that a test finds only the entries of what it does itself."""
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    AuditEntry.objects.filter(pk__gt=last).delete()


@pytest.fixture
def second(quick_providers):
    """A second provider with its catalog imported (its service 1 costs 0.27819)."""
    with FakeUpstream() as other:
        provider = connect(other, name="second")
        with unaudited():
            import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(0))
        yield provider, other


def connect(fake: FakeUpstream, name: str = "up") -> Provider:
    with unaudited():
        return add_provider(
            acting_user=Actor.cli(), name=name, url=fake.url, key=fake.key, dialect="form"
        )


@pytest.fixture
def provider(upstream) -> Provider:
    return connect(upstream)


@pytest.fixture
def followers(provider, upstream) -> Service:
    """The upstream's first service (Instagram Followers, 0.90), imported at cost."""
    with unaudited():
        import_catalog(acting_user=Actor.cli(), provider=provider, markup=Decimal(0))
    return Service.objects.get(routes__provider_service__service_id=upstream.service_id(0))


def order_of(service: Service, quantity: int = 1000, balance: str = "100", **params) -> Order:
    account, _ = make_account(balance)
    return place_order(
        account=account,
        service=service,
        params={"link": LINK, "quantity": str(quantity), **params},
    )


def later(minutes: float = 0, seconds: float = 0):
    return timezone.now() + timedelta(minutes=minutes, seconds=seconds)


def upstream_id(order: Order) -> str:
    return order.upstream_orders.get(state="sent").upstream_id


def place_many(service: Service, account, count: int) -> list[Order]:
    """`count` orders of 100 by `account`, each for its own link."""
    return [
        place_order(
            account=account, service=service, params={"link": f"{LINK}/{n}", "quantity": "100"}
        )
        for n in range(count)
    ]
