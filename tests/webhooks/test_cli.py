"""`smmpanel user webhook`: the exact text and --json forms scripts rely on."""

import json

import pytest

from smmpanel import sealed
from smmpanel.webhooks.actions import PURPOSE
from smmpanel.webhooks.models import Webhook
from tests.conftest import run_cli
from tests.factories import make_account

pytestmark = pytest.mark.django_db(transaction=True)

URL = "http://127.0.0.1:9/hook"


@pytest.fixture
def env(smmpanel_env):
    return {**smmpanel_env, "SMMPANEL_ALLOW_PRIVATE_WEBHOOKS": "1"}


def test_user_webhook_json_prints_the_secret_once_stored_sealed(env):
    make_account(username="dewi")
    result = run_cli(env, "user", "webhook", "dewi", "--url", URL, "--json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed == {"url": URL, "secret": printed["secret"]}
    webhook = Webhook.objects.get(account__user__username="dewi")
    assert sealed.unseal(webhook.secret_sealed, purpose=PURPOSE) == printed["secret"]

    rotated = json.loads(run_cli(env, "user", "webhook", "dewi", "--rotate", "--json").stdout)
    assert rotated["secret"] != printed["secret"]
    off = run_cli(env, "user", "webhook", "dewi", "--off", "--json")
    assert json.loads(off.stdout) == {"removed": True}
    assert not Webhook.objects.exists()


def test_user_webhook_text_and_refusals(env, smmpanel_env):
    make_account(username="eko")
    result = run_cli(env, "user", "webhook", "eko", "--url", URL)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"events of eko go to {URL}"
    assert lines[1].startswith("secret (shown once): whsec_")
    assert run_cli(env, "user", "webhook", "eko", "--off").stdout == "webhook removed for eko\n"
    assert (
        run_cli(env, "user", "webhook", "eko", "--off").stdout == "no webhook to remove for eko\n"
    )

    # Without the operator's switch, a loopback URL is refused like a provider's.
    refused = run_cli(smmpanel_env, "user", "webhook", "eko", "--url", URL, "--json")
    assert refused.returncode == 1
    assert "private" in json.loads(refused.stdout)["error"]
    refused = run_cli(env, "user", "webhook", "eko", "--rotate")
    assert refused.returncode == 1 and refused.stderr.startswith("error: There is no webhook")
