"""The back-office pages for ranks and custom rates call the actions and show what they did."""

from decimal import Decimal

import pytest
from django.urls import reverse

from smmpanel.accounts.models import Account, Rank
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import CustomRate
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db


def test_an_admin_creates_edits_and_deletes_ranks(admin_op):
    page = reverse("backoffice:ranks")
    created = admin_op.post(page, {"name": "Gold", "min_spent": "100", "discount": "7.5"})
    assert created.status_code == 302
    rank = Rank.objects.get(name="Gold")
    assert (rank.min_spent, rank.discount) == (Decimal("100"), Decimal("7.5"))
    refused = admin_op.post(page, {"name": "Gold", "min_spent": "5", "discount": "1"})
    assert refused.status_code == 400 and Rank.objects.count() == 1
    edit = reverse("backoffice:rank_edit", args=[rank.pk])
    admin_op.post(edit, {"name": "Gold", "min_spent": "100", "discount": "9"})
    assert Rank.objects.get().discount == 9
    assert "Gold" in admin_op.get(page).text
    admin_op.post(edit, {"delete": "1"})
    assert not Rank.objects.exists()
    actions = AuditEntry.objects.order_by("pk").values_list("action", "actor_name")
    assert list(actions) == [("rank.create", "alice"), ("rank.edit", "alice"),
                             ("rank.delete", "alice")]  # fmt: skip


def test_support_may_not_set_prices(support_op):
    account, _ = make_account()
    service = make_service()
    refused = support_op.post(reverse("backoffice:user_custom_rate", args=[account.pk]),
                              {"service": service.pk, "rate": "1"})  # fmt: skip
    assert refused.status_code == 403
    assert support_op.get(reverse("backoffice:ranks")).status_code == 403
    assert not CustomRate.objects.exists()


def test_a_custom_rate_is_set_and_removed_from_the_user_page(admin_op):
    account, _ = make_account(username="dana")
    service = make_service(name="Cheap likes", rate=Decimal(2))
    url = reverse("backoffice:user_custom_rate", args=[account.pk])
    admin_op.post(url, {"service": service.pk, "rate": "1.2"})
    user_page = admin_op.get(reverse("backoffice:user", args=[account.pk])).text
    assert "Cheap likes" in user_page.split('data-testid="custom-rates"')[1]
    assert Account.objects.get(pk=account.pk).has_custom_rates
    bad = admin_op.post(url, {"service": 999999, "rate": "1"}, follow=True)
    assert "No such service" in bad.text
    admin_op.post(url, {"service": service.pk, "rate": ""})
    assert not CustomRate.objects.exists()
    assert not Account.objects.get(pk=account.pk).has_custom_rates
