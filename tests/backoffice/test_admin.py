"""The operator's admin: every page renders, and money, keys and statuses change only through
the domain operations."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.keys import authenticate_key
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.catalog.models import Category, Fulfilment, Product, ProductItem, Service
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, ProductOrder, Refill
from smmpanel.orders.placement import place_order
from smmpanel.orders.product_orders import place_product_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.backoffice.pages import change_url, changelist_url, form_data, messages_of, run_action
from tests.factories import make_account, make_product, make_service

pytestmark = pytest.mark.django_db

OUR_MODELS = [
    Account,
    LedgerEntry,
    Category,
    Service,
    Product,
    Order,
    Refill,
    CancelRequest,
    ProductOrder,
]


def balance_of(account: Account) -> Decimal:
    account.refresh_from_db()
    return account.balance


@pytest.fixture
def shop() -> dict:
    """One of everything the admin lists."""
    account, _ = make_account("100")
    manual = make_service(refill=True, cancel=True)
    simulated = make_service(fulfilment=Fulfilment.SIMULATED)
    done = place_order(
        account=account, service=manual, params={"link": "https://x.com/1", "quantity": "100"}
    )
    done = apply_status(order_id=done.pk, status=OrderStatus.COMPLETED, remains=0)
    open_order = place_order(
        account=account, service=manual, params={"link": "https://x.com/2", "quantity": "100"}
    )
    simulated_order = place_order(
        account=account, service=simulated, params={"link": "https://x.com/3", "quantity": "100"}
    )
    auto = make_product(stock=3)
    by_hand = make_product(type=Product.Type.SERVICE)
    return {
        "account": account,
        "service": manual,
        "order": open_order,
        "simulated_order": simulated_order,
        "refill": request_refill(account=account, order=done),
        "cancel": request_cancel(account=account, order=open_order),
        "product": auto,
        "auto_order": place_product_order(account=account, product=auto, quantity="2"),
        "service_order": place_product_order(account=account, product=by_hand, quantity="1"),
    }


def test_every_registered_changelist_renders(admin_client, shop):
    for model in admin.site._registry:
        response = admin_client.get(changelist_url(model))
        assert response.status_code == 200, model
        searched = admin_client.get(changelist_url(model), {"q": str(shop["order"].pk)})
        assert searched.status_code == 200, model


def test_every_change_page_renders(admin_client, shop):
    entry = LedgerEntry.objects.first()
    objects = [shop["account"], entry, shop["service"], shop["service"].category, shop["product"]]
    objects += [shop[name] for name in ("order", "simulated_order", "refill", "cancel")]
    objects += [shop["auto_order"], shop["service_order"]]
    for obj in objects:
        assert admin_client.get(change_url(obj)).status_code == 200, obj


def test_save_buttons_only_where_something_is_editable(admin_client, shop):
    for name in ("account", "refill", "cancel", "simulated_order", "auto_order"):
        assert 'name="_save"' not in admin_client.get(change_url(shop[name])).content.decode()
    for name in ("order", "service_order", "product"):
        assert 'name="_save"' in admin_client.get(change_url(shop[name])).content.decode()


def test_every_domain_model_is_registered():
    assert set(OUR_MODELS) <= set(admin.site._registry)


def test_search_finds_an_order_by_id_link_or_username(admin_client, shop):
    order = shop["order"]
    for term in (str(order.pk), "x.com/2", shop["account"].user.username):
        response = admin_client.get(changelist_url(Order), {"q": term})
        assert order in response.context["cl"].result_list, term


def test_orders_filter_by_status_and_fulfilment(admin_client, shop):
    listed = admin_client.get(
        changelist_url(Order), {"status__exact": "Pending", "service__fulfilment__exact": "manual"}
    )
    assert list(listed.context["cl"].result_list) == [shop["order"]]


# Accounts and money


def test_deposit_through_the_admin_writes_a_ledger_entry_and_the_balance(admin_client):
    account, _ = make_account("10")
    response = run_action(
        admin_client, Account, "deposit", [account], amount="25.50", reason="Paid by bank"
    )
    assert response.status_code == 302
    assert balance_of(account) == Decimal("35.5")
    entry = LedgerEntry.objects.filter(account=account).latest("id")
    assert (entry.kind, entry.amount, entry.balance_after, entry.reason) == (
        LedgerEntry.Kind.DEPOSIT,
        Decimal("25.5"),
        Decimal("35.5"),
        "Paid by bank",
    )
    assert any("35.50" in message for message in messages_of(response))


def test_deposit_refuses_a_bad_amount_and_changes_nothing(admin_client):
    account, _ = make_account("10")
    for amount in ("", "abc", "-5", "0", "1.000001"):
        response = run_action(admin_client, Account, "deposit", [account], amount=amount)
        assert response.status_code == 302
        assert messages_of(response), amount
    assert balance_of(account) == Decimal("10")
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_money_actions_take_exactly_one_account(admin_client):
    first, _ = make_account("10")
    second, _ = make_account("10")
    response = run_action(admin_client, Account, "deposit", [first, second], amount="5")
    assert "Select exactly one account." in messages_of(response)
    assert balance_of(first) == balance_of(second) == Decimal("10")


def test_adjustment_is_signed_and_needs_a_reason(admin_client):
    account, _ = make_account("10")
    run_action(admin_client, Account, "adjust", [account], amount="-4")
    assert balance_of(account) == Decimal("10")

    run_action(admin_client, Account, "adjust", [account], amount="-4", reason="Chargeback")
    assert balance_of(account) == Decimal("6")
    entry = LedgerEntry.objects.filter(account=account).latest("id")
    assert (entry.kind, entry.amount, entry.reason) == ("adjustment", Decimal("-4"), "Chargeback")


def test_adjustment_can_not_take_the_balance_below_zero(admin_client):
    account, _ = make_account("3")
    response = run_action(admin_client, Account, "adjust", [account], amount="-5", reason="x")
    assert any("Not enough funds" in message for message in messages_of(response))
    assert balance_of(account) == Decimal("3")


def test_the_admin_never_edits_a_balance_directly(admin_client):
    account, _ = make_account("10")
    page = admin_client.get(change_url(account))
    assert 'name="balance"' not in page.content.decode()
    assert page.context["adminform"].form.fields == {}

    response = admin_client.post(
        change_url(account), {"balance": "999", "status": "suspended", "_save": "Save"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.balance, account.status) == (Decimal("10"), Account.Status.ACTIVE)
    assert admin_client.get(f"{changelist_url(Account)}add/").status_code == 403


def test_ledger_is_read_only(admin_client):
    account, _ = make_account("10")
    entry = LedgerEntry.objects.get(account=account)
    response = admin_client.post(change_url(entry), {"amount": "1000", "_save": "Save"})
    assert response.status_code == 403
    assert admin_client.get(f"{changelist_url(LedgerEntry)}add/").status_code == 403
    assert admin_client.post(f"{change_url(entry)}delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.amount == Decimal("10")


def test_ledger_filters_by_kind_and_searches_by_username(admin_client):
    account, _ = make_account("10", username="alice")
    make_account("10", username="bob")
    run_action(admin_client, Account, "adjust", [account], amount="1", reason="bonus")
    by_kind = admin_client.get(changelist_url(LedgerEntry), {"kind__exact": "adjustment"})
    assert [entry.amount for entry in by_kind.context["cl"].result_list] == [Decimal("1")]
    by_name = admin_client.get(changelist_url(LedgerEntry), {"q": "alice"})
    assert {entry.account for entry in by_name.context["cl"].result_list} == {account}


def test_ledger_links_show_the_entries_of_their_account_or_order(admin_client, shop):
    account, order = shop["account"], shop["cancel"].order
    run_action(admin_client, Order, "cancel_and_refund", [order])
    for obj, expected in (
        (account, set(LedgerEntry.objects.filter(account=account))),
        (order, set(LedgerEntry.objects.filter(order=order))),
        (shop["auto_order"], set(LedgerEntry.objects.filter(product_order=shop["auto_order"]))),
    ):
        page = admin_client.get(change_url(obj)).content.decode()
        link = re.search(r'href="([^"]*ledgerentry/\?[^"]*)"', page).group(1)
        listed = admin_client.get(link.replace("&amp;", "&"))
        assert listed.status_code == 200
        assert set(listed.context["cl"].result_list) == expected
    assert len(LedgerEntry.objects.filter(order=order)) == 2  # its charge and its refund


def test_suspend_and_reactivate(admin_client):
    account, key = make_account("10")
    run_action(admin_client, Account, "suspend", [account])
    with pytest.raises(AccountError):
        authenticate_key(key)
    run_action(admin_client, Account, "reactivate", [account])
    assert authenticate_key(key) == account


def test_reset_api_key_shows_the_new_key_once(admin_client):
    account, old_key = make_account("10")
    response = run_action(admin_client, Account, "reset_api_key", [account])
    (message,) = messages_of(response)
    new_key = message.split(": ")[1].split(" ")[0]
    assert authenticate_key(new_key) == account
    with pytest.raises(AccountError):
        authenticate_key(old_key)
    # The next page shows the message; after it, the key is nowhere: only its hash is kept.
    assert new_key in admin_client.get(change_url(account)).content.decode()
    assert new_key not in admin_client.get(change_url(account)).content.decode()


def test_admin_actions_are_logged(admin_client):
    account, _ = make_account("10")
    run_action(admin_client, Account, "deposit", [account], amount="5", reason="bank")
    admin_user = get_user_model().objects.get(username="admin")
    entry = admin_user.logentry_set.get()
    assert entry.object_id == str(account.pk)
    assert "Deposit of 5.00: bank" in entry.get_change_message()


# Catalog


def test_service_form_applies_the_catalog_rules(admin_client):
    service = make_service()
    data = form_data(admin_client, change_url(service))
    response = admin_client.post(change_url(service), {**data, "max_quantity": "1"})
    assert response.status_code == 200
    assert "Need 1 <= min <= max" in response.context["adminform"].form.non_field_errors()
    # A provider-fulfilled service needs a provider route.
    response = admin_client.post(change_url(service), {**data, "fulfilment": "provider"})
    assert response.status_code == 200
    assert "needs a provider route" in response.content.decode()
    service.refresh_from_db()
    assert service.fulfilment == Fulfilment.MANUAL


def test_service_rate_and_active_are_editable_in_the_list(admin_client):
    service = make_service()
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": service.pk,
        "form-0-rate": "1.25",
        "_save": "Save",
    }
    response = admin_client.post(changelist_url(Service), data)
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.rate, service.active) == (Decimal("1.25"), False)


def test_service_list_edit_refuses_a_negative_rate(admin_client):
    service = make_service()
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": service.pk,
        "form-0-rate": "-1",
        "form-0-active": "on",
        "_save": "Save",
    }
    response = admin_client.post(changelist_url(Service), data)
    assert response.status_code == 200
    service.refresh_from_db()
    assert service.rate == Decimal("0.9")


def test_product_list_counts_unsold_stock(admin_client):
    account, _ = make_account("100")
    product = make_product(stock=5)
    place_product_order(account=account, product=product, quantity="2")
    response = admin_client.get(changelist_url(Product))
    (row,) = response.context["cl"].result_list
    assert row.stock == 3


def test_stock_is_added_as_lines_of_the_product_form(admin_client):
    account, _ = make_account("100")
    product = make_product(stock=1)
    place_product_order(account=account, product=product, quantity="1")
    data = form_data(admin_client, change_url(product))
    # The sold item is not among the editable stock lines.
    assert data["items-INITIAL_FORMS"] == 0
    data.update({"items-0-value": "code-a", "items-1-value": "code-b"})
    response = admin_client.post(change_url(product), data)
    assert response.status_code == 302
    unsold = ProductItem.objects.filter(product=product, product_order__isnull=True)
    assert sorted(unsold.values_list("value", flat=True)) == ["code-a", "code-b"]
    assert ProductItem.objects.filter(product=product).count() == 3
