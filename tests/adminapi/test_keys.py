"""Staff API keys: issued by the domain action (recorded), by the CLI, shown once, replaced."""

import json

import pytest
from django.contrib.auth import get_user_model

from smmpanel.accounts.keys import hash_key
from smmpanel.adminapi.errors import AdminApiError, AdminApiErrorCode
from smmpanel.adminapi.keys import authenticate_staff_key, issue_staff_key
from smmpanel.adminapi.models import StaffApiKey
from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.staff.operators import save_operator

pytestmark = pytest.mark.django_db


def _operator(username: str = "ops", role: str = "support"):
    user, _ = save_operator(
        username=username, role=role, password="pw-12345", acting_user=Actor.cli()
    )
    return user


def test_issue_stores_only_the_hash_and_records_the_hint():
    user = _operator()
    stored, key = issue_staff_key(user_id=user.pk, acting_user=Actor.of_user(user))
    assert stored.key_hash == hash_key(key) and key not in str(StaffApiKey.objects.values())
    entry = AuditEntry.objects.get(action="staff.api_key")
    assert (entry.actor, entry.object_id) == (user, str(user.pk))
    assert (entry.before, entry.after) == (None, {"api_key_hint": key[:6]})
    assert key not in json.dumps([entry.before, entry.after])
    assert authenticate_staff_key(key) == user


def test_a_new_key_replaces_the_old_one():
    user = _operator()
    _, old = issue_staff_key(user_id=user.pk, acting_user=Actor.cli())
    _, new = issue_staff_key(user_id=user.pk, acting_user=Actor.cli())
    assert StaffApiKey.objects.filter(user=user).count() == 1
    with pytest.raises(AdminApiError) as refused:
        authenticate_staff_key(old)
    assert refused.value.code == AdminApiErrorCode.INVALID_KEY
    assert authenticate_staff_key(new) == user
    last = AuditEntry.objects.filter(action="staff.api_key").latest("pk")
    assert (last.before, last.after) == ({"api_key_hint": old[:6]}, {"api_key_hint": new[:6]})


def test_a_customer_gets_no_staff_key_and_nothing_is_recorded():
    user = get_user_model().objects.create_user(username="customer", password="pw-12345")
    with pytest.raises(AdminApiError) as refused:
        issue_staff_key(user_id=user.pk, acting_user=Actor.cli())
    assert refused.value.code == AdminApiErrorCode.NOT_STAFF
    assert not StaffApiKey.objects.exists() and not AuditEntry.objects.exists()


def test_the_key_of_a_user_no_longer_staff_or_active_is_refused():
    user = _operator()
    _, key = issue_staff_key(user_id=user.pk, acting_user=Actor.cli())
    get_user_model().objects.filter(pk=user.pk).update(is_staff=False)
    with pytest.raises(AdminApiError):
        authenticate_staff_key(key)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True, is_active=False)
    with pytest.raises(AdminApiError):
        authenticate_staff_key(key)


@pytest.mark.django_db(transaction=True)
def test_the_cli_prints_the_key_once_as_json(smmpanel_env):
    from tests.conftest import run_cli

    user = _operator("bot-owner", "admin")
    done = run_cli(smmpanel_env, "staff", "apikey", "bot-owner", "--json")
    assert done.returncode == 0, done.stderr
    key = json.loads(done.stdout)["api_key"]
    assert authenticate_staff_key(key) == user
    plain = run_cli(smmpanel_env, "staff", "apikey", "bot-owner")
    assert plain.stdout.strip() != key and authenticate_staff_key(plain.stdout.strip()) == user
    refused = run_cli(smmpanel_env, "staff", "apikey", "nobody", "--json")
    assert refused.returncode == 1
    assert json.loads(refused.stdout) == {"error": "No such staff user: nobody"}
