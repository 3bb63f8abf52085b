"""The catalog's changes a customer cares about, as entries of the public Updates page.

The catalog's actions call `note_changes` (or `note_new`) inside their transaction with the
service's values before and after, whoever decided the change: an operator or a provider sync.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from smmpanel.audit.log import Actor, record
from smmpanel.catalog.models import Service, ServiceUpdate
from smmpanel.money import quantize

Kind = ServiceUpdate.Kind


def _text(value: Any) -> str:
    """A rate at the money scale ("1.50000"), anything else as it is."""
    return str(quantize(value) if isinstance(value, Decimal) else value)[:100]


def note_new(service: Service) -> None:
    ServiceUpdate.objects.create(service=service, kind=Kind.NEW, new=_text(Decimal(service.rate)))


def note_changes(service: Service, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Entries for what changed between two sets of a service's values (`rate`, `active`,
    `min_quantity`, `max_quantity`; a missing name is taken as unchanged)."""
    entries = []
    old_rate, new_rate = before.get("rate"), after.get("rate", before.get("rate"))
    if old_rate is not None and new_rate is not None and old_rate != new_rate:
        kind = Kind.PRICE_UP if new_rate > old_rate else Kind.PRICE_DOWN
        entries.append((kind, old_rate, new_rate))
    old_range = (before.get("min_quantity"), before.get("max_quantity"))
    new_range = (
        after.get("min_quantity", old_range[0]),
        after.get("max_quantity", old_range[1]),
    )
    if None not in old_range and old_range != new_range:
        entries.append((Kind.RANGE, "{}–{}".format(*old_range), "{}–{}".format(*new_range)))
    if "active" in after and before.get("active") != after["active"]:
        entries.append((Kind.ENABLED if after["active"] else Kind.DISABLED, "", ""))
    ServiceUpdate.objects.bulk_create(
        ServiceUpdate(service=service, kind=kind, old=_text(old), new=_text(new))
        for kind, old, new in entries
    )


def shown_updates(*, category_id: int | None = None, kind: str = "") -> QuerySet[ServiceUpdate]:
    """The Updates page's entries, newest first: not hidden, optionally of one category/kind."""
    updates = ServiceUpdate.objects.filter(hidden=False).select_related("service__category")
    if category_id is not None:
        updates = updates.filter(service__category_id=category_id)
    if kind in Kind.values:
        updates = updates.filter(kind=kind)
    return updates.order_by("-created_at", "-id")


def set_update_hidden(*, acting_user: Actor, update_id: int, hidden: bool) -> ServiceUpdate:
    """Hide an entry from the Updates page (or show it again) and record `service_update.hide`
    (or `.show`). An entry already so changes nothing."""
    with transaction.atomic():
        update = ServiceUpdate.objects.select_for_update().get(pk=update_id)
        if update.hidden == hidden:
            return update
        update.hidden = hidden
        update.save(update_fields=["hidden"])
        record(
            acting_user,
            "service_update.hide" if hidden else "service_update.show",
            obj=update,
            summary=f"{update.kind} of service {update.service_id}",
            before={"hidden": not hidden},
            after={"hidden": hidden},
        )
    return update
