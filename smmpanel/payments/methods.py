"""The operator's payment methods: create, edit, enable or disable, reorder. The back-office page
and the Django admin both call these, so the rules (a known plug-in, limits that make sense) live
here once. Each takes the `acting_user`, locks what it changes and writes its audit entry in
its own transaction, and none when nothing changes."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.money import quantize
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import gateways
from smmpanel.payments.models import PaymentMethod

EDITABLE = ("name", "gateway", "instructions", "min_amount", "max_amount", "active")


def method_values(method: PaymentMethod) -> dict[str, Any]:
    """A method's editable values, as the form shows them and the audit log records them."""
    return {name: getattr(method, name) for name in EDITABLE}


def check_method(
    *, name: str, gateway: str, min_amount: Decimal, max_amount: Decimal | None, **_: Any
) -> None:
    """PaymentError unless the values make a usable method: a name, an installed plug-in, a
    minimum above zero and a maximum, when there is one, not below it."""
    if not name.strip():
        raise PaymentError(PaymentErrorCode.INVALID_METHOD)
    if gateway not in gateways():
        raise PaymentError(PaymentErrorCode.UNKNOWN_GATEWAY, gateway=gateway)
    if min_amount is None or min_amount <= 0:
        raise PaymentError(PaymentErrorCode.INVALID_AMOUNT)
    if max_amount is not None and max_amount < min_amount:
        raise PaymentError(PaymentErrorCode.MAX_BELOW_MIN)


def save_method(
    *, method_id: int | None, values: dict[str, Any], acting_user: Actor
) -> PaymentMethod:
    """Create a method (`method_id` None; placed last) or change one, after `check_method`
    (PaymentError, and nothing written, when the values break a rule). Audited as
    "payment_method.create" or ".edit" with the editable values before and after; an edit that
    changes nothing writes nothing."""
    values = {name: values[name] for name in EDITABLE if name in values}
    values["name"] = values["name"].strip()
    values["min_amount"] = quantize(values["min_amount"])
    if values.get("max_amount") is not None:
        values["max_amount"] = quantize(values["max_amount"])
    check_method(**values)
    with transaction.atomic():
        if method_id is None:
            last = PaymentMethod.objects.order_by("-sort_order").first()
            method = PaymentMethod.objects.create(
                **values, sort_order=(last.sort_order + 10) if last else 10
            )
            record(acting_user, "payment_method.create", obj=method, after=method_values(method))
            return method
        method = PaymentMethod.objects.select_for_update().get(pk=method_id)
        before = method_values(method)
        for name, value in values.items():
            setattr(method, name, value)
        if method_values(method) == before:
            return method
        method.save(update_fields=list(values))
        record(
            acting_user,
            "payment_method.edit",
            obj=method,
            before=before,
            after=method_values(method),
        )
    return method


def set_method_active(*, method_id: int, active: bool, acting_user: Actor) -> bool:
    """Offer a method to customers or stop offering it, audited as "payment_method.enable" or
    ".disable"; False, and nothing written, when it already was so. Payments already made with
    it keep their course."""
    with transaction.atomic():
        method = PaymentMethod.objects.select_for_update().get(pk=method_id)
        if method.active == active:
            return False
        method.active = active
        method.save(update_fields=["active"])
        record(
            acting_user,
            "payment_method.enable" if active else "payment_method.disable",
            obj=method,
            before={"active": not active},
            after={"active": active},
        )
    return True


def move_method(*, method_id: int, step: int, acting_user: Actor) -> bool:
    """Move a method one place up (step -1) or down (+1) in the order customers see; the methods
    are renumbered 10, 20, … and the move is audited with the method's place before and after.
    False, and nothing written, when it is already first or last."""
    with transaction.atomic():
        rows = list(PaymentMethod.objects.select_for_update().order_by("sort_order", "pk"))
        index = [row.pk for row in rows].index(method_id)
        target = index + (1 if step > 0 else -1)
        if not 0 <= target < len(rows):
            return False
        moved = rows[index]
        before = moved.sort_order
        rows[index], rows[target] = rows[target], rows[index]
        for position, row in enumerate(rows, start=1):
            if row.sort_order != position * 10:
                row.sort_order = position * 10
                row.save(update_fields=["sort_order"])
        record(
            acting_user,
            "payment_method.move",
            obj=moved,
            before={"sort_order": before},
            after={"sort_order": moved.sort_order},
        )
    return True
