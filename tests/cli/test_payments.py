"""`smmpanel payments gateways` and `smmpanel payments method add`: the forms scripts use."""

import json

import pytest

from smmpanel.payments.gateway import config_of
from smmpanel.payments.models import Coupon, PaymentMethod
from tests.conftest import run_cli

pytestmark = pytest.mark.django_db(transaction=True)


def test_gateways_lists_the_installed_plugins_by_id(smmpanel_env):
    listed = json.loads(run_cli(smmpanel_env, "payments", "gateways", "--json").stdout)
    ids = [gateway["id"] for gateway in listed["gateways"]]
    assert "manual" in ids and "sandbox" in ids  # the test servers run with the sandbox on
    assert all(set(gateway) == {"id", "name"} for gateway in listed["gateways"])


def test_method_add_stores_its_terms_and_encrypted_credentials(smmpanel_env):
    done = run_cli(
        smmpanel_env,
        *("payments", "method", "add", "--gateway", "manual", "--name", "BCA transfer"),
        *("--currency", "IDR", "--rate", "16000", "--min", "5", "--fee-percent", "1.5"),
        *("--credential", "account=1234567890", "--json"),
    )
    assert done.returncode == 0, done.stderr
    method = PaymentMethod.objects.get(pk=json.loads(done.stdout)["method"])
    assert (method.name, method.currency, method.exchange_rate) == ("BCA transfer", "IDR", 16000)
    assert "1234567890" not in method.credentials
    assert config_of(method).credentials == {"account": "1234567890"}


@pytest.mark.parametrize(
    "args",
    [
        ("--gateway", "nope", "--name", "X"),
        ("--gateway", "manual", "--name", "X", "--rate", "0"),
        ("--gateway", "manual", "--name", "X", "--credential", "novalue"),
        ("--gateway", "manual", "--name", " "),
    ],
)
def test_a_bad_method_is_a_clear_error_and_adds_nothing(smmpanel_env, args):
    done = run_cli(smmpanel_env, "payments", "method", "add", *args, "--json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"]
    assert not PaymentMethod.objects.exists()


def test_coupon_create_prints_its_code_and_refuses_a_taken_one(smmpanel_env):
    made = run_cli(
        smmpanel_env, "coupon", "create", "spring", "--percent", "10", "--uses", "50",
        "--expires", "2030-03-31", "--json",
    )  # fmt: skip
    assert json.loads(made.stdout) == {"coupon": "SPRING"}
    again = run_cli(smmpanel_env, "coupon", "create", "SPRING", "--amount", "5", "--json")
    assert again.returncode == 1 and "taken" in json.loads(again.stdout)["error"]
    coupon = Coupon.objects.get()
    assert (coupon.percent, coupon.uses, coupon.amount) == (10, 50, None)
    assert coupon.expires_at.date().isoformat() == "2030-04-01"  # valid all of the 31st
