"""The audit log: one `record` call per operator action, inside the action's transaction."""

import getpass
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest

from smmpanel.audit.models import AuditEntry


def _plain(value: Any) -> Any:
    """JSON-safe: money as its exact string, dates as ISO text, models as their id."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(obj: models.Model, fields: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """The named fields of `obj`, JSON-safe, for an entry's before or after."""
    return {name: _plain(getattr(obj, name)) for name in fields}


class Change(NamedTuple):
    """One field of an entry's object, as it was and as it became ("" for absent)."""

    field: str
    before: str
    after: str


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if value == "":
        return "“”"  # an empty text, not an absent field
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes(before: Any, after: Any) -> list[Change]:
    """What an entry changed, field by field: only the fields whose value differs (all of them
    for a creation or a deletion). A before or after that is not a dict is one unnamed field."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return [Change("", _shown(before), _shown(after))]
    old, new = before or {}, after or {}
    fields = list(old) + [name for name in new if name not in old]
    return [
        Change(
            name,
            _shown(old[name]) if name in old else "",
            _shown(new[name]) if name in new else "",
        )
        for name in fields
        if name not in old or name not in new or old[name] != new[name]
    ]


def described(entry: AuditEntry) -> list[Change]:
    """`changes` of an entry as an operator reads them: a field by its model's (translated)
    name, a value of a field with choices by its label; other values as stored."""
    try:
        model = apps.get_model(entry.object_type) if entry.object_type else None
    except (LookupError, ValueError):
        model = None
    shown = []
    for change in changes(entry.before, entry.after):
        try:
            field = model._meta.get_field(change.field) if model and change.field else None
        except FieldDoesNotExist:
            field = None
        if field is None:
            shown.append(change)
            continue
        labels = {str(value): str(label) for value, label in getattr(field, "flatchoices", [])}
        shown.append(
            Change(
                str(getattr(field, "verbose_name", change.field)),
                labels.get(change.before, change.before),
                labels.get(change.after, change.after),
            )
        )
    return shown


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded header is the client's to forge unless a proxy is configured.
    return request.META.get("REMOTE_ADDR") or None


@dataclass(frozen=True)
class Actor:
    """Who takes a decision: a signed-in user (staff in the back-office or the Admin API), or a
    named non-person — the CLI (with the operating-system user who ran it) or the system
    (the worker, a scheduled job). Every domain action takes one as `acting_user`."""

    user: AbstractBaseUser | None = None
    name: str = ""
    ip: str | None = None

    @classmethod
    def of_request(cls, request: HttpRequest) -> "Actor":
        """The request's signed-in user and address."""
        return cls.of_user(request.user, ip=client_ip(request))

    @classmethod
    def of_user(cls, user: AbstractBaseUser | AnonymousUser, *, ip: str | None = None) -> "Actor":
        if not user.is_authenticated:
            return cls(name="anonymous", ip=ip)
        return cls(user=user, name=user.get_username(), ip=ip)  # type: ignore[arg-type]

    @classmethod
    def cli(cls) -> "Actor":
        """The `smmpanel` command, named after the operating-system user who ran it."""
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (e.g. a bare container)
            who = "?"
        return cls(name=f"cli:{who}")

    @classmethod
    def system(cls) -> "Actor":
        """The panel itself: the worker and scheduled jobs."""
        return cls(name="system")


def record(
    acting_user: Actor,
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the action it describes."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEntry.objects.create(
        actor=acting_user.user,  # type: ignore[misc]
        actor_name=acting_user.name[:150],
        action=action[:64],
        object_type=object_type[:64],
        object_id=str(object_id)[:64],
        summary=summary[:500],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
        ip=acting_user.ip,
    )
