"""Operator accounts: creating or updating one with its role (`smmpanel createadmin`)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction

from smmpanel.audit.log import Actor, record


def _values(user: AbstractUser) -> dict[str, Any]:
    """What the audit log shows of an operator (never the password, only whether it changed)."""
    return {
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "email": user.email,
        "roles": sorted(user.groups.values_list("name", flat=True)) if user.pk else [],
    }


def save_operator(
    *, username: str, role: str, password: str, acting_user: Actor, email: str = ""
) -> tuple[AbstractUser, bool]:
    """Create the operator, or update the one of that name: staff, a superuser when `role` is
    "admin" (support staff get the support group's permissions only), the role's group, the
    password, and the e-mail address when one is given. Returns (user, created).

    Locks the user's row and records "staff.create" or "staff.update" (whether the password
    changed, never the password) in the same transaction; nothing when all is as it was.
    """
    group = Group.objects.get(name=role)
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.select_for_update().filter(username=username).first()
        created = user is None
        if user is None:
            user = user_model(username=username)
        before = None if created else _values(user)
        same_password = not created and user.check_password(password)
        user.is_staff = True
        user.is_superuser = role == "admin"
        user.email = email or user.email
        after = {**_values(user), "roles": [group.name]}
        if after == before and same_password:
            return user, False
        if not same_password:
            user.set_password(password)
        user.save()
        user.groups.set([group])
        record(
            acting_user,
            "staff.create" if created else "staff.update",
            obj=user,
            summary="" if same_password else "password set",
            before=before,
            after=after,
        )
    return user, created
