"""`smmpanel createadmin --role`: the operator a real command creates gets its role's rights."""

import json

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import run_cli

pytestmark = pytest.mark.django_db(transaction=True)


def test_createadmin_gives_the_admin_or_the_support_role(smmpanel_env):
    admin = run_cli(smmpanel_env, "createadmin", "boss", "--password", "pw-12345", "--json")
    helper = run_cli(
        smmpanel_env,
        "createadmin",
        "helper",
        "--password",
        "pw-12345",
        "--role",
        "support",
        "--json",
    )
    assert json.loads(admin.stdout)["role"] == "admin", admin.stderr
    assert json.loads(helper.stdout)["role"] == "support", helper.stderr
    users = get_user_model().objects
    boss, sam = users.get(username="boss"), users.get(username="helper")
    assert boss.is_superuser and boss.has_perm("catalog.change_service")
    assert sam.is_staff and not sam.is_superuser
    assert sam.has_perm("orders.change_order")
    assert not sam.has_perm("catalog.change_service")
    assert not sam.has_perm("accounts.change_account")
