"""The Django admin is a read-only inspector for superusers: every table lists, searches and opens;
nothing is added, changed or deleted (Django's users, groups and TOTP devices included), except
the few jobs left to it, and those go through the domain operations."""

import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from smmpanel.accounts import ledger
from smmpanel.accounts.models import Account, LedgerEntry
from smmpanel.backoffice import roles
from smmpanel.catalog.models import Category, Fulfilment, Product, Service
from smmpanel.orders.cancels import request_cancel
from smmpanel.orders.models import CancelRequest, Order, OrderStatus, ProductOrder, Refill
from smmpanel.orders.placement import place_order
from smmpanel.orders.product_orders import place_product_order
from smmpanel.orders.refills import request_refill
from smmpanel.orders.status import apply_status
from tests.backoffice.conftest import operator
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
# What the back-office has no page for yet, still done here through the domain operations.
ADDABLE: set[type] = set()
WITH_ACTIONS = {Account: ["deposit"]}


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


def test_every_domain_model_is_registered():
    assert set(OUR_MODELS) <= set(admin.site._registry)


def test_nothing_is_added_or_deleted_and_no_action_runs(admin_client, rf):
    request = rf.get("/admin/")
    request.user = get_user_model().objects.get(username="admin")
    for model, model_admin in admin.site._registry.items():
        assert model_admin.has_add_permission(request) == (model in ADDABLE), model
        assert not model_admin.has_delete_permission(request), model
        actions = [name for name in model_admin.get_actions(request) if name != "delete_selected"]
        assert actions == WITH_ACTIONS.get(model, []), model
        assert "delete_selected" not in model_admin.get_actions(request), model


def test_save_buttons_only_where_something_is_editable(admin_client, shop):
    for name in ("account", "order", "refill", "cancel", "simulated_order", "auto_order"):
        assert 'name="_save"' not in admin_client.get(change_url(shop[name])).content.decode()
    for name in ("product", "service"):
        assert 'name="_save"' not in admin_client.get(change_url(shop[name])).content.decode()
    for name in ("service_order",):
        assert 'name="_save"' in admin_client.get(change_url(shop[name])).content.decode()


def test_a_posted_change_to_a_read_only_row_is_refused(admin_client, shop):
    account, order = shop["account"], shop["order"]
    balance = balance_of(account)
    for obj, data in (
        (account, {"balance": "999", "status": "suspended"}),
        (order, {"status": "Canceled"}),
    ):
        response = admin_client.post(change_url(obj), {**data, "_save": "Save"})
        assert response.status_code == 403, obj
        assert admin_client.post(f"{change_url(obj)}delete/", {"post": "yes"}).status_code == 403
    account.refresh_from_db()
    order.refresh_from_db()
    assert (account.balance, account.status) == (balance, Account.Status.ACTIVE)
    assert order.status == OrderStatus.PENDING


def test_staff_who_are_not_superusers_are_refused_everywhere_but_the_log_out(shop):
    # Even a staff user holding every permission: the tables are for superusers.
    client = operator("sam", roles.SUPPORT)
    user = get_user_model().objects.get(username="sam")
    user.user_permissions.set(Permission.objects.all())
    urls = ("/admin/", changelist_url(Order), change_url(shop["order"]), changelist_url(Account))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url
    # The back-office's log-out button posts here, and works for every staff user.
    client.post("/admin/logout/")
    assert "_auth_user_id" not in client.session


def test_a_superuser_with_an_enrolled_device_needs_a_verified_session(shop):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    root = get_user_model().objects.create_superuser("root", password="pw")
    TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    client = Client()
    client.force_login(root)
    assert client.get(changelist_url(Order)).status_code == 302


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


def test_the_admin_never_edits_a_balance_directly(admin_client):
    account, _ = make_account("10")
    page = admin_client.get(change_url(account))
    assert 'name="balance"' not in page.content.decode()
    assert page.context["adminform"].form.fields == {}
    assert admin_client.get(f"{changelist_url(Account)}add/").status_code == 403


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


def test_deposit_takes_exactly_one_account(admin_client):
    first, _ = make_account("10")
    second, _ = make_account("10")
    response = run_action(admin_client, Account, "deposit", [first, second], amount="5")
    assert "Select exactly one account." in messages_of(response)
    assert balance_of(first) == balance_of(second) == Decimal("10")


def test_a_deposit_is_in_the_audit_log(admin_client):
    from smmpanel.audit.models import AuditEntry

    account, _ = make_account("10")
    run_action(admin_client, Account, "deposit", [account], amount="5", reason="bank")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "account.deposit",
        "accounts.account",
        str(account.pk),
    )
    assert (entry.actor_name, entry.summary) == ("admin", "bank")
    assert entry.after["balance"] == "15.00000"


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
    ledger.adjust(account=account, amount=Decimal("1"), reason="bonus")
    by_kind = admin_client.get(changelist_url(LedgerEntry), {"kind__exact": "adjustment"})
    assert [entry.amount for entry in by_kind.context["cl"].result_list] == [Decimal("1")]
    by_name = admin_client.get(changelist_url(LedgerEntry), {"q": "alice"})
    assert {entry.account for entry in by_name.context["cl"].result_list} == {account}


def test_ledger_links_show_the_entries_of_their_account_or_order(admin_client, shop):
    account, order = shop["account"], shop["cancel"].order
    apply_status(order_id=order.pk, status=OrderStatus.CANCELED)
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


# Catalog


def test_a_service_is_read_only_here(admin_client):
    service = make_service()
    data = form_data(admin_client, change_url(service))
    assert "max_quantity" not in data and "rate" not in data
    response = admin_client.post(change_url(service), {**data, "max_quantity": "1", "rate": "5"})
    assert response.status_code == 403
    service.refresh_from_db()
    assert (service.max_quantity, service.rate) == (10000, Decimal("0.9"))
    listed = admin_client.get(changelist_url(Service))
    assert "form-0-rate" not in listed.content.decode()


def test_product_list_counts_unsold_stock(admin_client):
    account, _ = make_account("100")
    product = make_product(stock=5)
    place_product_order(account=account, product=product, quantity="2")
    response = admin_client.get(changelist_url(Product))
    (row,) = response.context["cl"].result_list
    assert row.stock == 3


def test_products_and_stock_are_not_changed_here(admin_client):
    product = make_product(stock=1)
    assert admin_client.get(changelist_url(Product) + "add/").status_code == 403
    page = admin_client.get(change_url(product)).content.decode()
    assert 'name="_save"' not in page and "item-" in page
    data = {"name": "renamed", "items-TOTAL_FORMS": "1", "items-0-value": "code-a"}
    assert admin_client.post(change_url(product), data).status_code == 403
    product.refresh_from_db()
    assert product.name != "renamed" and product.items.count() == 1


def test_staff_accounts_are_not_changed_here(admin_client):
    user = get_user_model().objects.create_user(username="op", password="pw", is_staff=True)
    url = f"/admin/auth/user/{user.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"username": "op", "is_superuser": "on"}).status_code == 403
    assert admin_client.post(f"/admin/auth/user/{user.pk}/password/", {}).status_code == 403
    for model in ("auth/user", "auth/group"):
        path = f"/admin/{model}/add/"
        assert admin_client.get(path).status_code == 403, path
    user.refresh_from_db()
    assert not user.is_superuser and user.check_password("pw")


def test_no_one_sees_a_totp_devices_secret_here(admin_client):
    """A TOTP device's page showed its key and QR code: a superuser could copy another
    operator's second factor. The admin has no such page at all."""
    user = get_user_model().objects.create_user(username="op2", password="pw", is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    for path in (
        "/admin/otp_totp/totpdevice/",
        "/admin/otp_totp/totpdevice/add/",
        f"/admin/otp_totp/totpdevice/{device.pk}/change/",
        f"/admin/otp_totp/totpdevice/{device.pk}/config/",
        f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/",
    ):
        assert admin_client.get(path).status_code == 404, path
    assert device.key not in admin_client.get("/admin/").content.decode()
