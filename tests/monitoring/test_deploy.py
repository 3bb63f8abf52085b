"""The deployment files check health with /healthz (through `smmpanel health`), and `smmpanel
health` says what /healthz says, with its exit code."""

import json
import re
from pathlib import Path

import pytest
import yaml

from smmpanel.monitoring.heartbeat import beat
from tests.conftest import run_cli

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_compose_checks_the_api_servers_healthz_and_the_workers_health():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert services["api"]["healthcheck"]["test"] == [
        "CMD", "smmpanel", "health", "--url", "http://127.0.0.1:8000/healthz"
    ]  # fmt: skip
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "smmpanel", "health"]


def test_systemd_checks_each_api_servers_healthz_every_minute():
    unit = (DEPLOY / "systemd" / "smmpanel-health@.service").read_text()
    assert re.search(
        r"^ExecStart=\S+/smmpanel health --url http://127\.0\.0\.1:%i/healthz$", unit, re.M
    )
    timer = (DEPLOY / "systemd" / "smmpanel-health@.timer").read_text()
    assert re.search(r"^OnUnitActiveSec=1min$", timer, re.M)


def test_nginx_does_not_pass_metrics_on():
    assert re.search(r"location = /metrics \{\s*return 404;", (DEPLOY / "nginx.conf").read_text())


@pytest.mark.django_db(transaction=True)
def test_smmpanel_health_exits_1_with_the_reason_then_0(smmpanel_env):
    failed = run_cli(smmpanel_env, "health", "--json")
    assert failed.returncode == 1
    assert json.loads(failed.stdout) == {
        "status": "unavailable",
        "reason": "no worker heartbeat yet: is `smmpanel worker` running?",
    }
    beat()
    done = run_cli(smmpanel_env, "health")
    assert (done.returncode, done.stdout) == (0, "ok\n")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_smmpanel_health_asks_a_running_server(panel_server):
    beat()
    done = panel_server.cli("health", "--url", f"{panel_server.url}/healthz", "--json")
    assert (done.returncode, json.loads(done.stdout)) == (0, {"status": "ok"})
    unreachable = panel_server.cli("health", "--url", "http://127.0.0.1:1/healthz")
    assert unreachable.returncode == 1
    assert unreachable.stdout == "unavailable: http://127.0.0.1:1/healthz: ConnectError\n"


@pytest.mark.django_db
def test_the_grafana_dashboard_uses_the_metrics_served(client):
    """Every metric a panel of deploy/grafana-dashboard.json queries is one /metrics serves."""
    from prometheus_client.parser import text_string_to_metric_families

    from tests.factories import make_account

    _, key = make_account("1")
    client.post("/api/v2", {"key": key, "action": "balance"})
    served = {
        sample.name
        for family in text_string_to_metric_families(client.get("/metrics").content.decode())
        for sample in family.samples
    }
    # Declared, though not yet observed in this process: a provider call.
    served |= {f"smmpanel_provider_call_seconds_{end}" for end in ("count", "bucket", "sum")}
    dashboard = json.loads((DEPLOY / "grafana-dashboard.json").read_text())
    queried = {
        name
        for panel in dashboard["panels"]
        for target in panel["targets"]
        for name in re.findall(r"smmpanel_\w+", target["expr"])
    }
    assert len(queried) >= 10
    assert queried <= served, queried - served
