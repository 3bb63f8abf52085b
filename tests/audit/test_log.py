"""Who an audit entry names: a signed-in user with their address, the CLI, or the system."""

import getpass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from smmpanel.audit.log import Actor, record
from smmpanel.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_request_names_its_user_and_address():
    user = get_user_model().objects.create_user("olga")
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    request.user = user
    entry = record(Actor.of_request(request), "thing.done", before={"a": 1}, after={"a": 2})
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name, entry.ip) == (user, "olga", "203.0.113.9")
    assert (entry.before, entry.after) == ({"a": 1}, {"a": 2})


def test_the_cli_is_named_after_the_system_user_who_ran_it():
    entry = record(Actor.cli(), "thing.done")
    assert entry.actor is None
    assert entry.actor_name == f"cli:{getpass.getuser()}"


def test_the_system_and_an_anonymous_visitor_are_named_not_linked():
    assert record(Actor.system(), "thing.done").actor_name == "system"
    assert record(Actor.of_user(AnonymousUser()), "thing.done").actor_name == "anonymous"
    assert AuditEntry.objects.filter(actor__isnull=False).count() == 0


def test_an_entry_keeps_the_name_when_its_user_is_deleted():
    user = get_user_model().objects.create_user("gone")
    entry = record(Actor.of_user(user), "thing.done")
    user.delete()
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name) == (None, "gone")
