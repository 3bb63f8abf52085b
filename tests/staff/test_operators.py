"""Creating or updating an operator, called directly: recorded, the password never shown."""

import pytest
from django.contrib.auth import get_user_model

from smmpanel.audit.log import Actor
from smmpanel.audit.models import AuditEntry
from smmpanel.staff.operators import save_operator

pytestmark = pytest.mark.django_db


def entries() -> list[tuple]:
    return list(
        AuditEntry.objects.order_by("pk").values_list(
            "actor_name", "action", "summary", "before", "after"
        )
    )


def test_save_operator_creates_an_admin_and_records_it_without_the_password():
    user, created = save_operator(
        username="boss", role="admin", password="s3cret-pass", acting_user=Actor.cli()
    )
    assert created and user.is_superuser and user.check_password("s3cret-pass")
    ((actor, action, summary, before, after),) = entries()
    assert actor.startswith("cli:") and action == "staff.create"
    assert (summary, before) == ("password set", None)
    assert after == {"is_staff": True, "is_superuser": True, "email": "", "roles": ["admin"]}
    assert "s3cret" not in str(entries())


def test_the_same_operator_saved_again_records_nothing():
    save_operator(username="sam", role="support", password="pw-12345", acting_user=Actor.cli())
    user, created = save_operator(
        username="sam", role="support", password="pw-12345", acting_user=Actor.cli()
    )
    assert not created and len(entries()) == 1


def test_a_new_role_records_the_update_before_and_after():
    save_operator(username="sam", role="support", password="pw-12345", acting_user=Actor.cli())
    save_operator(
        username="sam",
        role="admin",
        password="pw-12345",
        email="sam@example.com",
        acting_user=Actor.system(),
    )
    (_, (actor, action, summary, before, after)) = entries()
    assert (actor, action, summary) == ("system", "staff.update", "")
    assert (before["roles"], before["is_superuser"]) == (["support"], False)
    assert after == {
        "is_staff": True,
        "is_superuser": True,
        "email": "sam@example.com",
        "roles": ["admin"],
    }
    user = get_user_model().objects.get(username="sam")
    assert user.is_superuser and [group.name for group in user.groups.all()] == ["admin"]


def test_a_new_password_alone_is_recorded_as_set():
    save_operator(username="sam", role="support", password="pw-12345", acting_user=Actor.cli())
    save_operator(username="sam", role="support", password="pw-67890", acting_user=Actor.cli())
    (_, (_, action, summary, before, after)) = entries()
    assert (action, summary) == ("staff.update", "password set") and before == after
    assert get_user_model().objects.get(username="sam").check_password("pw-67890")
