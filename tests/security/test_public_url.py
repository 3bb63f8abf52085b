"""SMMPANEL_PUBLIC_URL: the host names the panel answers to come from it, and the server refuses
to start in production without it, saying what to set."""

import subprocess
import sys

import httpx
import pytest

from tests.conftest import free_port, run_cli
from tests.security.test_deployment_settings import _django, _production_env, _settings_of


def _without_public_url(tmp_path) -> dict:
    env = _production_env(tmp_path)
    del env["SMMPANEL_PUBLIC_URL"]
    return env


def test_the_panel_answers_only_to_the_public_host(tmp_path):
    env = _production_env(tmp_path, SMMPANEL_PUBLIC_URL="https://Panel.example.com/")
    assert _settings_of(env, "PUBLIC_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS") == [
        "'https://panel.example.com'",
        "['panel.example.com']",
        "['https://panel.example.com']",
    ]
    # More host names when the operator lists them; the public one stays.
    more = _production_env(
        tmp_path, SMMPANEL_PUBLIC_URL="https://panel.example.com", SMMPANEL_ALLOWED_HOSTS="api.x"
    )
    assert _settings_of(more, "ALLOWED_HOSTS") == ["['api.x', 'panel.example.com']"]
    # Without it (production), no host name is answered: the old default was every one.
    assert _settings_of(_without_public_url(tmp_path), "ALLOWED_HOSTS") == ["[]"]


@pytest.mark.parametrize(
    "url", ["panel.example.com", "ftp://panel.example.com", "https://panel.example.com/shop"]
)
def test_a_public_url_that_is_not_an_address_is_refused(tmp_path, url):
    result = _django(_production_env(tmp_path, SMMPANEL_PUBLIC_URL=url), "check")
    assert result.returncode != 0
    assert "SMMPANEL_PUBLIC_URL" in result.stderr and "https://panel.example.com" in result.stderr


def test_serve_refuses_to_start_without_a_public_url_and_says_what_to_set(tmp_path):
    env = _without_public_url(tmp_path)
    result = run_cli(env, "serve", "--port", str(free_port()), "--workers", "1")
    assert result.returncode == 1
    assert "SMMPANEL_PUBLIC_URL is not set" in result.stderr
    assert "SMMPANEL_PUBLIC_URL=https://panel.example.com" in result.stderr


def test_any_wsgi_server_refuses_to_load_the_panel_without_a_public_url(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import smmpanel.wsgi"],
        env=_without_public_url(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SMMPANEL_PUBLIC_URL is not set" in result.stderr


def test_check_deploy_reports_a_missing_public_url(tmp_path):
    result = _django(_without_public_url(tmp_path), "check", "--deploy")
    assert result.returncode != 0
    assert "smmpanel.E003" in result.stderr


def test_a_running_panel_refuses_a_foreign_host_header(panel_server):
    page = httpx.get(f"{panel_server.url}/accounts/login/")
    assert page.status_code == 200
    forged = httpx.get(f"{panel_server.url}/accounts/login/", headers={"Host": "attacker.example"})
    assert forged.status_code == 400
