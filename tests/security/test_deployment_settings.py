"""Production settings: `check --deploy` is clean, the security headers and cookies are on, and
the demo's and the tests' plain http is an explicit choice."""

import os
import secrets
import subprocess
import sys

import pytest

from smmpanel.cli import DEMO_ENVIRONMENT


def _production_env(tmp_path, **extra: str) -> dict:
    env = {name: value for name, value in os.environ.items() if not name.startswith("SMMPANEL_")}
    env.update(
        {
            "SMMPANEL_DATA_DIR": str(tmp_path),
            "SMMPANEL_SECRET_KEY": secrets.token_urlsafe(60),
            "SMMPANEL_PUBLIC_URL": "https://panel.example.com",
            "DJANGO_SETTINGS_MODULE": "smmpanel.settings",
            **extra,
        }
    )
    return env


def _django(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "django", *args], env=env, capture_output=True, text=True
    )


def test_check_deploy_has_no_warnings_in_production(tmp_path):
    result = _django(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_passes_without_a_secret_key_given(tmp_path):
    """The key generated into the data directory is strong enough for production too."""
    env = _production_env(tmp_path)
    del env["SMMPANEL_SECRET_KEY"]
    result = _django(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_check_deploy_flags_the_demo_settings(tmp_path):
    """The demo's plain-http values are not production ones, and `check --deploy` says so."""
    result = _django(
        _production_env(tmp_path, **DEMO_ENVIRONMENT),
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_a_bad_rate_limit_is_reported_at_start_up(tmp_path):
    result = _django(_production_env(tmp_path, SMMPANEL_RATE_LIMIT_API_KEY="lots"), "check")
    assert result.returncode != 0
    assert "SMMPANEL_RATE_LIMIT_API_KEY" in result.stderr


def _settings_of(env: dict, *names: str) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(repr(settings.{name}))" for name in names
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.split("\n")[: len(names)]


def test_production_defaults_are_https_only(tmp_path):
    names = (
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        "X_FRAME_OPTIONS",
        "DEBUG",
    )
    assert _settings_of(_production_env(tmp_path), *names) == [
        "True",
        "True",
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "'DENY'",
        "False",
    ]
    demo = _settings_of(_production_env(tmp_path, **DEMO_ENVIRONMENT), *names[:4])
    assert demo == ["False", "False", "False", "0"]


@pytest.mark.django_db
def test_pages_are_redirected_to_https_but_the_api_answers(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/admin/login/").status_code == 301
    assert client.get("/admin/login/").headers["Location"].startswith("https://")
    # A redirect can't protect a key already sent: the API answers and stays JSON.
    reply = client.post("/api/v2", {"key": "x", "action": "balance"})
    assert reply.status_code == 200
    assert reply.json() == {"error": "Invalid API key"}
    # Behind the TLS proxy, its header marks the request as https.
    assert client.get("/admin/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200


@pytest.mark.django_db
def test_security_headers_are_sent(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get("/admin/login/", secure=True)
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
