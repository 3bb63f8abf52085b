"""Safe retries of `place_order` and `place_product_order` with an idempotency key."""

from decimal import Decimal

import pytest
from django.test import override_settings

from smmpanel.accounts.models import LedgerEntry
from smmpanel.orders.errors import OrderError, OrderErrorCode
from smmpanel.orders.models import Order, ProductOrder
from smmpanel.orders.placement import place_order
from smmpanel.orders.product_orders import place_product_order
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db

PARAMS = {"service": "0", "link": "https://instagram.com/p/abc", "quantity": "100"}


def _params(service, **changes) -> dict[str, str]:
    return {**PARAMS, "service": str(service.pk), **changes}


def test_retry_with_the_same_key_returns_the_order_and_charges_once():
    service = make_service()
    account, _ = make_account("10")
    first = place_order(
        account=account, service=service, params=_params(service), idempotency_key="k1"
    )
    again = place_order(
        account=account, service=service, params=_params(service), idempotency_key="k1"
    )
    assert again.pk == first.pk
    assert Order.objects.filter(account=account).count() == 1
    assert LedgerEntry.objects.filter(account=account, kind="charge").count() == 1
    account.refresh_from_db()
    assert account.balance == Decimal("10") - first.charge


def test_same_key_with_other_parameters_is_refused_without_a_charge():
    service = make_service()
    account, _ = make_account("10")
    place_order(account=account, service=service, params=_params(service), idempotency_key="k1")
    with pytest.raises(OrderError) as error:
        place_order(
            account=account,
            service=service,
            params=_params(service, quantity="200"),
            idempotency_key="k1",
        )
    assert error.value.code == OrderErrorCode.IDEMPOTENCY_KEY_REUSED
    assert error.value.message == "This idempotency key was already used with different parameters"
    assert Order.objects.filter(account=account).count() == 1


def test_keys_are_per_customer():
    service = make_service()
    alice, _ = make_account("10")
    bob, _ = make_account("10")
    a = place_order(account=alice, service=service, params=_params(service), idempotency_key="k")
    b = place_order(account=bob, service=service, params=_params(service), idempotency_key="k")
    assert a.pk != b.pk
    assert b.account_id == bob.pk


def test_orders_without_a_key_are_never_merged():
    service = make_service()
    account, _ = make_account("10")
    first = place_order(account=account, service=service, params=_params(service))
    second = place_order(
        account=account, service=service, params=_params(service), idempotency_key=" "
    )
    assert first.pk != second.pk
    assert second.idempotency_key is None


def test_a_refused_order_does_not_use_up_the_key():
    service = make_service()
    account, _ = make_account("0.01")
    with pytest.raises(Exception, match="Not enough funds"):
        place_order(account=account, service=service, params=_params(service), idempotency_key="k")
    assert not Order.objects.filter(account=account).exists()


def test_a_too_long_key_is_refused():
    service = make_service()
    account, _ = make_account("10")
    with pytest.raises(OrderError, match="Incorrect idempotency_key"):
        place_order(
            account=account, service=service, params=_params(service), idempotency_key="k" * 256
        )


def test_retry_finds_the_order_after_the_service_is_disabled():
    service = make_service()
    account, _ = make_account("10")
    order = place_order(
        account=account, service=service, params=_params(service), idempotency_key="k"
    )
    service.active = False
    service.save()
    params = {**_params(service), "service": f" {service.pk}.0"}
    assert place_order(account=account, params=params, idempotency_key="k") == order


@override_settings(REFUSE_DUPLICATE_LINK=True)
def test_retry_is_not_refused_as_a_duplicate_link():
    service = make_service()
    account, _ = make_account("10")
    order = place_order(
        account=account, service=service, params=_params(service), idempotency_key="k"
    )
    again = place_order(
        account=account, service=service, params=_params(service), idempotency_key="k"
    )
    assert again == order


def test_product_order_retry_returns_the_order_and_delivers_once():
    product = make_product(stock=5)
    account, _ = make_account("100")
    first = place_product_order(account=account, product=product, quantity="2", idempotency_key="p")
    again = place_product_order(account=account, product=product, quantity="2", idempotency_key="p")
    assert again == first
    assert ProductOrder.objects.filter(account=account).count() == 1
    assert first.items.count() == 2
    with pytest.raises(OrderError, match="different parameters"):
        place_product_order(account=account, product=product, quantity="3", idempotency_key="p")
    found = place_product_order(
        account=account, product_id=f" {product.pk}", quantity="2", idempotency_key="p"
    )
    assert found == first
