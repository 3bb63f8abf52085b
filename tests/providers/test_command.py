"""The `smmpanel provider` commands, run as a real process against a fake provider."""

import json

import pytest

from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Service
from smmpanel.providers.models import Provider
from tests.conftest import run_cli

pytestmark = pytest.mark.django_db(transaction=True)


def test_add_then_import_with_markup_and_category_map(smmpanel_env, upstream):
    added = run_cli(
        smmpanel_env, "provider", "add", "main", "--url", upstream.url, "--key", upstream.key,
        "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    data = json.loads(added.stdout)
    assert data["name"] == "main" and data["balance"] == "1000000.00"
    assert data["dialect"]["method"] == "POST"  # detected
    assert upstream.key not in added.stdout and data["key"].endswith(upstream.key[-2:])

    imported = run_cli(
        smmpanel_env, "provider", "import", "main", "--markup", "30%",
        "--category-map", "Instagram=IG",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert "3 created" in imported.stdout
    assert "importing main" in imported.stderr  # the progress bar, for people
    assert Service.objects.filter(category__name="IG", fulfilment="provider").count() == 3

    again = run_cli(smmpanel_env, "provider", "import", "main", "--json")
    assert again.returncode == 0 and again.stderr == ""
    assert json.loads(again.stdout)["unchanged"] == 3

    listed = json.loads(run_cli(smmpanel_env, "provider", "list", "--json").stdout)
    assert [p["name"] for p in listed["providers"]] == ["main"]


def test_add_refuses_a_wrong_key_and_stores_nothing(smmpanel_env, upstream):
    result = run_cli(
        smmpanel_env, "provider", "add", "bad", "--url", upstream.url, "--key", "wrong",
        "--dialect", "form", "--json",
    )  # fmt: skip
    assert result.returncode == 1
    assert "Invalid API key" in json.loads(result.stdout)["error"]
    assert not Provider.objects.exists()


def test_service_create_with_fulfilment_provider_needs_a_route(smmpanel_env, upstream):
    run_cli(smmpanel_env, "provider", "add", "p", "--url", upstream.url, "--key", upstream.key)
    run_cli(smmpanel_env, "provider", "import", "p", "--json")
    common = ["service", "create", "--name", "Mine", "--category", "X", "--type", "Default",
              "--rate", "2", "--min", "10", "--max", "100", "--fulfilment", "provider",
              "--json"]  # fmt: skip
    refused = run_cli(smmpanel_env, *common)
    assert refused.returncode == 1 and "route" in json.loads(refused.stdout)["error"]
    created = run_cli(smmpanel_env, *common, "--route", f"p:{upstream.service_id(0)}")
    assert created.returncode == 0, created.stdout
    service = Service.objects.get(pk=json.loads(created.stdout)["service"])
    assert service.routes.get().provider_service.service_id == upstream.service_id(0)


def test_add_refuses_a_private_address_unless_the_operator_allows_it(smmpanel_env, upstream):
    """The fake provider listens on 127.0.0.1: refused by the production rule, before any call."""
    strict = {**smmpanel_env, "SMMPANEL_ALLOW_PRIVATE_PROVIDERS": "0"}
    for url in (upstream.url, "ftp://8.8.8.8/api/v2", "https://user:pass@8.8.8.8/api/v2"):
        result = run_cli(strict, "provider", "add", "p", "--url", url, "--key", "k", "--json")
        assert result.returncode == 1, url
        assert json.loads(result.stdout)["error"]
    assert (
        "SMMPANEL_ALLOW_PRIVATE_PROVIDERS"
        in run_cli(
            strict, "provider", "add", "p", "--url", upstream.url, "--key", "k", "--json"
        ).stdout
    )
    assert not Provider.objects.exists()
    assert upstream.calls["balance"] == 0


def test_each_change_is_audited_in_the_name_of_the_cli(smmpanel_env, upstream):
    run_cli(smmpanel_env, "provider", "add", "p", "--url", upstream.url, "--key", upstream.key)
    run_cli(smmpanel_env, "provider", "import", "p", "--json")
    Provider.objects.filter(name="p").update(balance=1)
    assert run_cli(smmpanel_env, "provider", "balance", "p", "--json").returncode == 0
    run_cli(smmpanel_env, "provider", "list", "--json")  # reads: no entry
    created = run_cli(
        smmpanel_env, "service", "create", "--name", "Mine", "--category", "X", "--type",
        "Default", "--rate", "2", "--min", "10", "--max", "100", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stdout
    entries = list(AuditEntry.objects.order_by("pk").values_list("action", "actor_name"))
    assert [action for action, _ in entries] == [
        "provider.add",
        "provider.import",
        "provider.check",
        "service.create",
    ]
    assert all(name.startswith("cli:") for _, name in entries)
