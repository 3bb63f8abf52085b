"""A change made by one process, whatever way it is made, is what the next request of any server
process reads: the catalog's services and listing, the panel's settings, the key's account
(`versions`; `smmpanel serve` runs 2 worker processes, each with its own caches)."""

from collections.abc import Callable, Iterator
from decimal import Decimal

import httpx
import pytest

from smmpanel import rows
from smmpanel.accounts.keys import issue_api_key
from smmpanel.accounts.models import Account
from smmpanel.catalog.models import Service
from smmpanel.configuration.models import PanelSettings
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "https://instagram.com/natgeo"
# Requests per check: enough that each of the server's 2 processes answers some.
TRIES = 4


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture
def api(panel_server, http) -> Callable[..., dict]:
    def call(key: str, action: str, **params: object) -> dict:
        data = {"key": key, "action": action, **{k: str(v) for k, v in params.items()}}
        response = http.post(panel_server.api, data=data)
        assert response.status_code == 200, response.text
        return response.json()

    return call


def replies(call: Callable[[], object]) -> list:
    return [call() for _ in range(TRIES)]


def by_save(model, pk: int, **values: object) -> None:
    row = model.objects.get(pk=pk)
    for name, value in values.items():
        setattr(row, name, value)
    row.save()


def by_update(model, pk: int, **values: object) -> None:
    model.objects.filter(pk=pk).update(**values)


def by_raw_sql(model, pk: int, **values: object) -> None:
    columns = ", ".join(f"{model._meta.get_field(name).column} = %s" for name in values)
    params = [str(value) if isinstance(value, Decimal) else value for value in values.values()]
    rows.execute(f"UPDATE {model._meta.db_table} SET {columns} WHERE id = %s", [*params, pk])


CHANGES = [by_save, by_update, by_raw_sql]


@pytest.mark.parametrize("change", CHANGES)
def test_the_panel_settings_changed_are_read_by_the_next_request(api, change):
    _, key = make_account("5")
    PanelSettings.objects.create(pk=1, currency="EUR")
    assert {reply["currency"] for reply in replies(lambda: api(key, "balance"))} == {"EUR"}
    change(PanelSettings, 1, currency="IDR")
    assert {reply["currency"] for reply in replies(lambda: api(key, "balance"))} == {"IDR"}


@pytest.mark.parametrize("change", CHANGES)
def test_the_services_listing_changed_is_read_by_the_next_request(api, change):
    _, key = make_account("5")
    service = make_service(rate=Decimal("1"))

    def rates() -> set:
        return {tuple(item["rate"] for item in api(key, "services")) for _ in range(TRIES)}

    assert rates() == {("1.00",)}
    change(Service, service.pk, rate=Decimal("1.5"))
    assert rates() == {("1.50",)}
    change(Service, service.pk, active=False)
    assert rates() == {()}


@pytest.mark.parametrize("change", CHANGES)
def test_a_service_changed_is_charged_by_the_next_order(api, change):
    account, key = make_account("100")
    service = make_service(rate=Decimal("1"))
    for _ in range(TRIES):
        assert "order" in api(key, "add", service=service.pk, link=LINK, quantity=1000)
    change(Service, service.pk, max_quantity=500)
    for _ in range(TRIES):
        assert api(key, "add", service=service.pk, link=LINK, quantity=1000) == {
            "error": "Quantity more than maximal 500"
        }


@pytest.mark.parametrize("change", CHANGES)
def test_a_suspended_account_is_refused_by_the_next_request(api, change):
    account, key = make_account("5")
    assert {reply["balance"] for reply in replies(lambda: api(key, "balance"))} == {"5.00"}
    change(Account, account.pk, status=Account.Status.SUSPENDED)
    assert replies(lambda: api(key, "balance")) == [{"error": "Your account is suspended"}] * TRIES


def test_a_replaced_key_is_refused_by_the_next_request(api):
    account, key = make_account("5")
    assert all("balance" in reply for reply in replies(lambda: api(key, "balance")))
    new_key = issue_api_key(account=account)
    assert replies(lambda: api(key, "balance")) == [{"error": "Invalid API key"}] * TRIES
    assert all("balance" in reply for reply in replies(lambda: api(new_key, "balance")))
