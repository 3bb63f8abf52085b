"""The catalog's actions for what a provider's catalog import or sync decides about a service:
follow the provider's values, disable a service no provider lists (or whose cost rose too much),
enable it again once listed. Each records its audit entry and its Updates-page entries, like the
operator's actions in `operations`.
"""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.models import InactiveReason, Service
from smmpanel.catalog.operations import _set_active
from smmpanel.catalog.updates import note_changes

# What a provider's catalog sets on a service it fulfils.
FOLLOWED_FIELDS = (
    "name",
    "rate",
    "min_quantity",
    "max_quantity",
    "refill",
    "cancel",
    "dripfeed",
    "active",
    "inactive_reason",
)


def follow_provider(
    *, acting_user: Actor, service_id: int, summary: str = "", **values: Any
) -> bool:
    """Give a service the values its provider's catalog decided (FOLLOWED_FIELDS), record
    `service.sync` with the fields that changed (before -> after) and their Updates entries.
    False, and nothing written, when nothing changes. The service row is locked meanwhile."""
    unknown = set(values) - set(FOLLOWED_FIELDS)
    if unknown:
        raise TypeError(f"Not followed: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service_id)
        before = {name: getattr(service, name) for name in values}
        changed = {name: value for name, value in values.items() if before[name] != value}
        if not changed:
            return False
        for name, value in changed.items():
            setattr(service, name, value)
        service.save()
        note_changes(service, before, changed)
        record(
            acting_user,
            "service.sync",
            obj=service,
            summary=summary,
            before={name: before[name] for name in changed},
            after=changed,
        )
    return True


def disable_services(
    *, acting_user: Actor, service_ids: Sequence[int], reason: str, summary: str = ""
) -> list[int]:
    """Disable services for a provider's reason (`InactiveReason.UNLISTED`, `.PRICE_RISE`),
    recording `service.disable` for each that was active; return their ids."""
    with transaction.atomic():
        services = Service.objects.filter(pk__in=service_ids)
        return _set_active(acting_user, services, False, summary=summary, reason=reason)


def enable_listed(
    *, acting_user: Actor, service_ids: Sequence[int], summary: str = ""
) -> list[int]:
    """Enable again the services that were disabled because no provider listed them (never one
    the operator disabled, nor one held for a price rise); record `service.enable` for each."""
    with transaction.atomic():
        services = Service.objects.filter(
            pk__in=service_ids, inactive_reason=InactiveReason.UNLISTED
        )
        return _set_active(acting_user, services, True, summary=summary)
