"""The operator's payment methods: create, edit, enable or disable, reorder. The back-office page
and the Django admin both call these, so the rules (a known plug-in, limits that make sense) live
here once. Each takes the `acting_user`, locks what it changes and writes its audit entry in
its own transaction, and none when nothing changes."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from smmpanel.audit.log import Actor, record
from smmpanel.money import MAX_AMOUNT, quantize
from smmpanel.payments.errors import PaymentError, PaymentErrorCode
from smmpanel.payments.gateway import Gateway, config_of, gateways, seal_credentials
from smmpanel.payments.models import PaymentMethod

EDITABLE = (
    "name",
    "gateway",
    "instructions",
    "min_amount",
    "max_amount",
    "active",
    "currency",
    "exchange_rate",
    "fee_percent",
    "fee_fixed",
    "fee_added",
    "translations",
)


def method_values(method: PaymentMethod) -> dict[str, Any]:
    """A method's editable values, as the form shows them and the audit log records them; of
    the credentials, only their hints."""
    values = {name: getattr(method, name) for name in EDITABLE}
    values["credential_hints"] = method.credential_hints
    return values


def _check_money_terms(
    gateway: Gateway,
    currency: str,
    exchange_rate: Decimal,
    fee_percent: Decimal,
    fee_fixed: Decimal,
) -> None:
    if currency and not (currency.isascii() and currency.isalpha() and 3 <= len(currency) <= 8):
        raise PaymentError(PaymentErrorCode.UNSUPPORTED_CURRENCY, currency=currency)
    paid_in = currency or settings.CURRENCY
    if gateway.currencies and paid_in not in gateway.currencies:
        raise PaymentError(PaymentErrorCode.UNSUPPORTED_CURRENCY, currency=paid_in)
    if not exchange_rate.is_finite() or exchange_rate <= 0 or exchange_rate >= MAX_AMOUNT:
        raise PaymentError(PaymentErrorCode.INVALID_RATE)
    if not (0 <= fee_percent < 100) or not (0 <= fee_fixed < MAX_AMOUNT):
        raise PaymentError(PaymentErrorCode.INVALID_FEE)


def check_method(
    *,
    name: str,
    gateway: str,
    min_amount: Decimal,
    max_amount: Decimal | None,
    currency: str = "",
    exchange_rate: Decimal = Decimal(1),
    fee_percent: Decimal = Decimal(0),
    fee_fixed: Decimal = Decimal(0),
    credentials: dict[str, str] | None = None,
    **_: Any,
) -> None:
    """PaymentError unless the values make a usable method: a name, an installed plug-in, a
    currency it takes, a positive exchange rate, a fee from 0 to 99.99 % plus a positive part,
    the plug-in's credentials (when given), a minimum above zero and a maximum, when there is
    one, not below it."""
    if not name.strip():
        raise PaymentError(PaymentErrorCode.INVALID_METHOD)
    plugin = gateways().get(gateway)
    if plugin is None:
        raise PaymentError(PaymentErrorCode.UNKNOWN_GATEWAY, gateway=gateway)
    _check_money_terms(plugin, currency, exchange_rate, fee_percent, fee_fixed)
    if credentials is not None:
        for needed in plugin.credential_names:
            if not credentials.get(needed, "").strip():
                raise PaymentError(PaymentErrorCode.MISSING_CREDENTIAL, name=needed)
    if min_amount is None or min_amount <= 0:
        raise PaymentError(PaymentErrorCode.INVALID_AMOUNT)
    if max_amount is not None and max_amount < min_amount:
        raise PaymentError(PaymentErrorCode.MAX_BELOW_MIN)


def _readable_credentials(method: PaymentMethod) -> dict[str, str] | None:
    try:
        return config_of(method).credentials
    except ValueError:  # sealed under another SECRET_KEY: whatever is entered replaces them
        return None


def save_method(
    *, method_id: int | None, values: dict[str, Any], acting_user: Actor
) -> PaymentMethod:
    """Create a method (`method_id` None; placed last) or change one, after `check_method`
    (PaymentError, and nothing written, when the values break a rule). Audited as
    "payment_method.create" or ".edit" with the editable values before and after; an edit that
    changes nothing writes nothing."""
    credentials = values.get("credentials")
    values = {name: values[name] for name in EDITABLE if name in values}
    values["name"] = values["name"].strip()
    if "currency" in values:
        values["currency"] = values["currency"].strip().upper()
    values["min_amount"] = quantize(values["min_amount"])
    if values.get("max_amount") is not None:
        values["max_amount"] = quantize(values["max_amount"])
    if method_id is None and credentials is None:
        credentials = {}  # a new method is checked for the credentials its plug-in needs
    check_method(**values, credentials=credentials)
    if credentials is not None:
        values["credentials"], values["credential_hints"] = seal_credentials(credentials)
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
        if credentials is not None and credentials == _readable_credentials(method):
            del values["credentials"], values["credential_hints"]  # the same ones again
        for name, value in values.items():
            setattr(method, name, value)
        if method_values(method) == before and "credentials" not in values:
            return method
        method.save(update_fields=list(values))
        record(
            acting_user,
            "payment_method.edit",
            obj=method,
            summary="credentials replaced" if "credentials" in values else "",
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
