"""The CLI is a public contract: these run the real `smmpanel` command on the test database."""

import getpass
import json
from decimal import Decimal

import pytest

from smmpanel.accounts.keys import authenticate_key
from smmpanel.accounts.models import Account
from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Service
from tests.conftest import run_cli

pytestmark = pytest.mark.django_db(transaction=True)


def _json(result) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_user_create_prints_username_and_a_working_key(smmpanel_env):
    created = _json(run_cli(smmpanel_env, "user", "create", "alice", "--balance", "12.5", "--json"))
    assert created["username"] == "alice"
    account = authenticate_key(created["api_key"])
    assert account.user.username == "alice"
    assert account.balance == Decimal("12.5")
    assert account.api_key_hash != created["api_key"]


def test_user_deposit_is_a_ledger_entry(smmpanel_env):
    _json(run_cli(smmpanel_env, "user", "create", "bob", "--json"))
    deposited = _json(run_cli(smmpanel_env, "user", "deposit", "bob", "0.27819", "--json"))
    assert deposited == {"username": "bob", "amount": "0.27819", "balance": "0.27819"}
    account = Account.objects.get(user__username="bob")
    assert [entry.kind for entry in account.ledger.all()] == ["deposit"]
    assert _json(run_cli(smmpanel_env, "audit", "--json")) == {"accounts": 1, "mismatched": []}


@pytest.mark.parametrize(
    "args",
    [
        ("user", "deposit", "nobody", "5"),
        ("user", "deposit", "carol", "-5"),
        ("user", "deposit", "carol", "abc"),
        ("user", "deposit", "carol", "0.000001"),
        ("user", "create", "carol"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(smmpanel_env, args):
    _json(run_cli(smmpanel_env, "user", "create", "carol", "--balance", "1", "--json"))
    result = run_cli(smmpanel_env, *args, "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]
    assert Account.objects.get(user__username="carol").balance == Decimal("1")
    assert Account.objects.count() == 1


def test_service_create_prints_the_id(smmpanel_env):
    created = _json(
        run_cli(
            smmpanel_env,
            *("service", "create", "--name", "Instagram Followers", "--category", "Instagram"),
            *("--type", "Default", "--rate", "0.90", "--min", "50", "--max", "10000"),
            *("--refill", "--cancel", "--fulfilment", "simulated", "--json"),
        )
    )
    service = Service.objects.get(pk=created["service"])
    assert (service.name, service.category.name, service.rate) == (
        "Instagram Followers",
        "Instagram",
        Decimal("0.9"),
    )
    assert (service.refill, service.cancel, service.dripfeed, service.fulfilment) == (
        True,
        True,
        False,
        "simulated",
    )


@pytest.mark.parametrize(
    "bad",
    [("--type", "Nope"), ("--min", "100", "--max", "10"), ("--rate", "-1"), ("--rate", "x")],
)
def test_service_create_refuses_bad_values(smmpanel_env, bad):
    args = {"--name": "S", "--category": "C", "--type": "Default", "--rate": "1", "--min": "1"}
    args["--max"] = "10"
    args.update(dict(zip(bad[::2], bad[1::2], strict=True)))
    flat = [part for pair in args.items() for part in pair]
    result = run_cli(smmpanel_env, "service", "create", *flat, "--json")
    assert result.returncode == 1
    assert "error" in json.loads(result.stdout)
    assert not Service.objects.exists()


def test_audit_fails_when_a_balance_differs_from_its_ledger(smmpanel_env):
    _json(run_cli(smmpanel_env, "user", "create", "dave", "--balance", "3", "--json"))
    Account.objects.filter(user__username="dave").update(balance=Decimal("4"))
    result = run_cli(smmpanel_env, "audit", "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["mismatched"] == [
        {"username": "dave", "balance": "4.00", "ledger": "3.00"}
    ]


def test_createadmin_makes_a_staff_superuser(smmpanel_env, django_user_model):
    _json(run_cli(smmpanel_env, "createadmin", "boss", "--password", "s3cret-pass", "--json"))
    user = django_user_model.objects.get(username="boss")
    assert user.is_staff and user.is_superuser and user.check_password("s3cret-pass")


def test_user_create_deposit_and_createadmin_are_audited_in_the_clis_name(smmpanel_env):
    _json(run_cli(smmpanel_env, "user", "create", "erin", "--balance", "2", "--json"))
    _json(run_cli(smmpanel_env, "user", "deposit", "erin", "3", "--reason", "cash", "--json"))
    _json(run_cli(smmpanel_env, "createadmin", "boss", "--password", "s3cret-pass", "--json"))
    entries = list(
        AuditEntry.objects.order_by("pk").values_list("actor_name", "action", "summary", "after")
    )
    assert {entry[0] for entry in entries} == {f"cli:{getpass.getuser()}"}
    assert [entry[1] for entry in entries] == ["account.create", "account.deposit", "staff.create"]
    deposit = entries[1]
    assert deposit[2] == "cash"
    assert deposit[3]["balance"] == "5.00000"
    assert "password" not in str(entries[2][3]) and "s3cret" not in str(entries)
