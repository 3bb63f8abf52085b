"""Payment methods are set up in the back-office (admin role), audited, with the domain's rules;
the Django admin only shows them."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from smmpanel.audit.models import AuditEntry
from smmpanel.payments.models import PaymentMethod
from tests.backoffice.pages import changelist_url
from tests.factories import make_account

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Bank BCA",
    "gateway": "manual",
    "instructions": "BCA 123-456 a/n Panel",
    "min_amount": "10",
    "max_amount": "500",
    "active": "on",
}


def test_an_admin_creates_edits_disables_and_reorders_methods_each_audited(admin_op):
    first = PaymentMethod.objects.create(name="Old bank", gateway="manual", sort_order=10)
    page = admin_op.get(reverse("backoffice:payment_methods"))
    assert page.status_code == 200 and "Old bank" in page.content.decode()
    response = admin_op.post(reverse("backoffice:payment_method_create"), NEW)
    assert response.status_code == 302
    bca = PaymentMethod.objects.get(name="Bank BCA")
    assert (bca.min_amount, bca.max_amount, bca.active) == (Decimal(10), Decimal(500), True)
    assert bca.sort_order > first.sort_order  # a new method comes last

    edit = reverse("backoffice:payment_method_edit", args=[bca.pk])
    assert "BCA 123-456" in admin_op.get(edit).content.decode()
    admin_op.post(edit, {**NEW, "max_amount": "", "name": "Bank BCA (new account)"})
    bca.refresh_from_db()
    assert bca.name == "Bank BCA (new account)" and bca.max_amount is None
    admin_op.post(reverse("backoffice:payment_method_toggle", args=[bca.pk]))
    admin_op.post(reverse("backoffice:payment_method_move", args=[bca.pk, "up"]))
    bca.refresh_from_db()
    first.refresh_from_db()
    assert not bca.active and bca.sort_order < first.sort_order

    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "before", "after"))
    assert [entry[0] for entry in entries] == [
        "payment_method.create",
        "payment_method.edit",
        "payment_method.disable",
        "payment_method.move",
    ]
    assert entries[1][1]["max_amount"] == "500.00000" and entries[1][2]["max_amount"] is None

    # The customer's Add funds page no longer offers it.
    account, _ = make_account(username="payer")
    customer = Client()
    customer.force_login(account.user)
    assert "Bank BCA" not in customer.get(reverse("panel:funds")).content.decode()


def test_the_rules_refuse_bad_limits_and_unknown_plug_ins_on_the_page(admin_op):
    for bad in ({"max_amount": "5"}, {"min_amount": "0"}, {"gateway": "nope"}):
        response = admin_op.post(reverse("backoffice:payment_method_create"), {**NEW, **bad})
        assert response.status_code == 400, bad
    assert (
        "below the minimum"
        in admin_op.post(
            reverse("backoffice:payment_method_create"), {**NEW, "max_amount": "5"}
        ).content.decode()
    )
    assert not PaymentMethod.objects.exists()


def test_the_django_admin_only_shows_payment_methods(admin_op, admin_client):
    """The page above is the one place a method is set up: the admin inspects them, for
    superusers only."""
    add = reverse("admin:payments_paymentmethod_add")
    assert admin_op.post(add, {**NEW, "sort_order": "0"}).status_code == 302  # to the log-in
    assert admin_client.post(add, {**NEW, "sort_order": "0"}).status_code == 403
    assert not PaymentMethod.objects.exists()
    PaymentMethod.objects.create(name="Bank", gateway="manual")
    assert admin_client.get(changelist_url(PaymentMethod)).status_code == 200


def test_support_may_not_see_or_change_payment_methods(support_op):
    method = PaymentMethod.objects.create(name="Bank", gateway="manual")
    assert support_op.get(reverse("backoffice:payment_methods")).status_code == 403
    assert support_op.post(reverse("backoffice:payment_method_create"), NEW).status_code == 403
    toggle = reverse("backoffice:payment_method_toggle", args=[method.pk])
    assert support_op.post(toggle).status_code == 403
    method.refresh_from_db()
    assert method.active


def test_a_method_in_another_currency_with_a_fee_credentials_and_translations(admin_op):
    secret = "sk_live_0123456789abcdefXY"
    form = {
        **NEW,
        "currency": "idr",
        "exchange_rate": "16000",
        "fee_percent": "2.5",
        "fee_fixed": "2000",
        "fee_added": "on",
        "credentials": f"secret_key={secret}\nmerchant = M-1",
        "name_id": "Transfer Bank BCA",
        "instructions_id": "Transfer ke BCA 123-456",
    }
    assert admin_op.post(reverse("backoffice:payment_method_create"), form).status_code == 302
    bca = PaymentMethod.objects.get(name="Bank BCA")
    assert (bca.currency, bca.exchange_rate, bca.fee_percent) == ("IDR", 16000, Decimal("2.5"))
    assert bca.credential_hints == {"merchant": "…", "secret_key": "sk_l…XY"}
    edit = admin_op.get(reverse("backoffice:payment_method_edit", args=[bca.pk])).content.decode()
    assert "sk_l…XY" in edit and secret not in edit
    assert f"/payments/callback/manual/{bca.pk}/" in edit
    # Saving again without credentials keeps the stored ones.
    admin_op.post(
        reverse("backoffice:payment_method_edit", args=[bca.pk]), {**form, "credentials": ""}
    )
    bca.refresh_from_db()
    assert bca.credential_hints["secret_key"] == "sk_l…XY"

    customer = Client()
    customer.force_login(make_account()[0].user)
    page = customer.get(reverse("panel:funds"), HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Transfer Bank BCA" in page and "Transfer ke BCA 123-456" in page
    assert "16.000 IDR" in page


def test_bad_credentials_text_is_refused_beside_the_field(admin_op):
    response = admin_op.post(
        reverse("backoffice:payment_method_create"), {**NEW, "credentials": "just-a-key"}
    )
    assert response.status_code == 400
    assert not PaymentMethod.objects.exists()
