import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from smmpanel.audit.log import Actor
from smmpanel.backoffice import roles
from tests.factories import make_account


@pytest.fixture
def admin_user(db):
    user = get_user_model().objects.create_user(username="opal", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.ADMIN))
    return user


@pytest.fixture
def actor(admin_user) -> Actor:
    return Actor.of_user(admin_user)


@pytest.fixture
def admin_op(admin_user) -> Client:
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def support_op(db) -> Client:
    user = get_user_model().objects.create_user(username="sam", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.SUPPORT))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customer(db):
    account, _key = make_account("10", username="reader")
    return account


def reader(account, language: str) -> Client:
    """A logged-in customer whose profile asks for `language`."""
    account.language = language
    account.save(update_fields=["language"])
    client = Client()
    client.force_login(account.user)
    return client
