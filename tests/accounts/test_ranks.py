"""Customer ranks: reached by spending (charges less refunds), their discount counted when it is
larger than the customer's own; each operator action records itself."""

from decimal import Decimal

import pytest

from smmpanel.accounts.actions import set_rate_discount
from smmpanel.accounts.errors import AccountError
from smmpanel.accounts.models import Account
from smmpanel.accounts.ranks import assign_ranks, create_rank, delete_rank, edit_rank
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.orders.models import OrderStatus
from smmpanel.orders.placement import place_order
from smmpanel.orders.status import apply_status
from smmpanel.worker.loop import run_once
from tests.factories import make_account, make_service

pytestmark = pytest.mark.django_db
CLI = Actor.cli()


def _spend(account, amount: str, service=None):
    """An order charging `amount` (rate 1 per 1000: quantity = amount × 1000)."""
    service = service or make_service(rate=Decimal(1), max_quantity=10**7)
    quantity = str(int(Decimal(amount) * 1000))
    return place_order(account=account, service=service,
                       params={"link": "https://x.com/a", "quantity": quantity})  # fmt: skip


def _account(pk) -> Account:
    return Account.objects.select_related("rank").get(pk=pk)


def test_spending_reaches_the_highest_rank_and_refunds_count_against_it():
    silver = create_rank(acting_user=CLI, name="Silver", min_spent=Decimal(10), discount=Decimal(5))
    gold = create_rank(acting_user=CLI, name="Gold", min_spent=Decimal(50), discount=Decimal(10))
    account, _ = make_account("100")
    _spend(account, "20")
    order = _spend(account, "40")
    assert assign_ranks() == 1
    assert (_account(account.pk).rank, _account(account.pk).rank_discount) == (gold, 10)
    apply_status(order_id=order.pk, status=OrderStatus.CANCELED)  # refunded: 20 spent
    assert assign_ranks() == 1
    assert _account(account.pk).rank == silver
    assert assign_ranks() == 0  # nothing changed: nothing written
    [entry, _] = AuditEntry.objects.filter(action="account.rank").order_by("-pk")
    assert (entry.actor_name, entry.after["rank"]) == ("system", silver.pk)


def test_the_larger_discount_counts_and_the_rank_discount_follows_its_edits():
    account, _ = make_account("100")
    rank = create_rank(acting_user=CLI, name="VIP", min_spent=Decimal(0), discount=Decimal(10))
    service = make_service(rate=Decimal(1), max_quantity=10**7)
    _spend(account, "1", service)
    assign_ranks()
    account = _account(account.pk)
    assert _spend(account, "10", service).charge == Decimal("9")  # the rank's 10 %
    set_rate_discount(account_id=account.pk, percent=Decimal(20), acting_user=CLI)
    account = _account(account.pk)
    assert _spend(account, "10", service).charge == Decimal("8")  # its own 20 % is larger
    edit_rank(acting_user=CLI, rank_id=rank.pk, name="VIP", min_spent=Decimal(0),
              discount=Decimal(30))  # fmt: skip
    account = _account(account.pk)
    assert account.rank_discount == 30 and _spend(account, "10", service).charge == Decimal("7")
    delete_rank(acting_user=CLI, rank_id=rank.pk)
    account = _account(account.pk)
    assert account.rank is None and account.rank_discount == 0
    actions = list(
        AuditEntry.objects.filter(action__startswith="rank.").values_list("action", flat=True)
    )
    assert actions == ["rank.create", "rank.edit", "rank.delete"]


def test_bad_ranks_are_refused_and_change_nothing():
    create_rank(acting_user=CLI, name="Silver", min_spent=Decimal(10), discount=Decimal(5))
    for name, spent, discount in [("", 1, 1), ("Silver", 1, 1), ("X", -1, 1), ("X", 1, 100),
                                  ("X", 1, Decimal("1.001"))]:  # fmt: skip
        with pytest.raises(AccountError):
            create_rank(acting_user=CLI, name=name, min_spent=Decimal(spent),
                        discount=Decimal(discount))  # fmt: skip
    assert AuditEntry.objects.filter(action="rank.create").count() == 1


def test_the_worker_assigns_ranks():
    create_rank(acting_user=CLI, name="Silver", min_spent=Decimal(1), discount=Decimal(5))
    account, _ = make_account("100")
    _spend(account, "2")
    run_once()
    assert _account(account.pk).rank.name == "Silver"


def test_the_customer_sees_the_discount_and_rank_on_the_profile():
    from django.test import Client
    from django.urls import reverse

    create_rank(acting_user=CLI, name="Gold", min_spent=Decimal(1), discount=Decimal(12))
    account, _ = make_account("100", username="erin")
    _spend(account, "2")
    assign_ranks()
    client = Client()
    client.force_login(account.user)
    shown = client.get(reverse("panel:profile")).text.split('data-testid="discount"')[1]
    assert "12.00%" in shown and "Gold" in shown
