"""`smmpanel provider sync` and `--min-margin`, run as a real process against a fake provider."""

import json
from decimal import Decimal

import pytest

from smmpanel.audit.models import AuditEntry
from smmpanel.catalog.models import Service
from smmpanel.providers.models import Provider
from tests.conftest import run_cli

pytestmark = pytest.mark.django_db(transaction=True)


def test_sync_prints_the_import_report_in_text_and_json(smmpanel_env, upstream):
    added = run_cli(
        smmpanel_env, "provider", "add", "p", "--url", upstream.url, "--key", upstream.key,
        "--min-margin", "10%", "--json",
    )  # fmt: skip
    assert added.returncode == 0, added.stdout + added.stderr
    assert Provider.objects.get(name="p").min_margin == Decimal(10)
    imported = run_cli(smmpanel_env, "provider", "import", "p", "--markup", "0", "--json")
    assert json.loads(imported.stdout)["created"] and imported.returncode == 0
    followers = Service.objects.get(routes__provider_service__service_id=upstream.service_id(0))
    assert followers.rate == Decimal("0.99")  # at cost + the 10% minimum margin
    gone = upstream.service_id(1)
    with upstream.panel.lock:
        upstream.panel.services[upstream.service_id(0)].rate = Decimal("1.00")
        dropped = upstream.panel.services.pop(gone)

    synced = run_cli(smmpanel_env, "provider", "sync", "p")
    assert synced.returncode == 0, synced.stderr
    likes = Service.objects.get(routes__provider_service__service_id=gone)
    assert synced.stdout.splitlines() == [
        "0 created, 1 updated, 1 unchanged, 1 disabled, 0 enabled again, 0 skipped",
        f"  price of service {followers.pk} (Instagram Followers): 0.99000 -> 1.10000",
        f"  disabled service {likes.pk}: no longer listed",
    ]
    with upstream.panel.lock:
        upstream.panel.services[gone] = dropped
    as_json = run_cli(smmpanel_env, "provider", "sync", "p", "--json")
    data = json.loads(as_json.stdout)
    assert data["enabled"] == [likes.pk] and data["price_changes"] == []
    actions = list(AuditEntry.objects.filter(action__startswith="provider.sync"))
    assert {entry.actor_name.split(":")[0] for entry in actions} == {"cli"}


def test_import_with_a_min_margin_keeps_it_for_later_syncs(smmpanel_env, upstream):
    run_cli(smmpanel_env, "provider", "add", "p", "--url", upstream.url, "--key", upstream.key)
    result = run_cli(smmpanel_env, "provider", "import", "p", "--min-margin", "50%", "--json")
    assert result.returncode == 0, result.stdout
    assert Provider.objects.get(name="p").min_margin == Decimal(50)
    assert AuditEntry.objects.filter(action="provider.sync_settings").count() == 1
    refused = run_cli(smmpanel_env, "provider", "sync", "nobody", "--json")
    assert refused.returncode == 1 and "error" in json.loads(refused.stdout)
    bad = run_cli(smmpanel_env, "provider", "import", "p", "--min-margin", "-5", "--json")
    assert bad.returncode == 1 and "minimum margin" in json.loads(bad.stdout)["error"]
