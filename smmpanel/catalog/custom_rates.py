"""Custom rates: the operator's price of one service for one customer, charged instead of the
service's rate less discounts (orders.prices.rate_for), by the API and the web alike."""

from decimal import Decimal

from django.db import transaction

from smmpanel.accounts.models import Account
from smmpanel.audit.log import Actor, record
from smmpanel.catalog.errors import CatalogError, CatalogErrorCode
from smmpanel.catalog.models import CustomRate, Service
from smmpanel.money import MAX_AMOUNT, quantize


def set_custom_rate(
    *, acting_user: Actor, account_id: int, service_id: int, rate: Decimal | None
) -> CustomRate | None:
    """Set (or, with `rate` None, remove) the customer's rate of a service, recorded as
    "account.custom_rate" (before → after). Locks the account: its `has_custom_rates` says
    whether it has any, so that orders of customers without look nothing up. Nothing is written
    when the rate is the one set. CatalogError for a negative rate or an unknown service."""
    if rate is not None and (not rate.is_finite() or rate < 0 or rate >= MAX_AMOUNT):
        raise CatalogError(CatalogErrorCode.INVALID_RATE)
    if not Service.objects.filter(pk=service_id).exists():
        raise CatalogError(CatalogErrorCode.NO_SUCH_SERVICE)
    rate = quantize(rate) if rate is not None else None
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_id)
        kept = CustomRate.objects.filter(account=account, service_id=service_id).first()
        before = kept.rate if kept else None
        if before == rate:
            return kept
        if rate is None:
            CustomRate.objects.filter(pk=kept.pk).delete()  # type: ignore[union-attr]
            kept = None
        elif kept is None:
            kept = CustomRate.objects.create(account=account, service_id=service_id, rate=rate)
        else:
            kept.rate = rate
            kept.save(update_fields=["rate"])
        has_any = CustomRate.objects.filter(account=account).exists()
        if has_any != account.has_custom_rates:
            account.has_custom_rates = has_any
            account.save(update_fields=["has_custom_rates"])
        record(acting_user, "account.custom_rate", obj=account,
               before={"service": service_id, "rate": before},
               after={"service": service_id, "rate": rate})  # fmt: skip
    return kept


def custom_rates_of(account: Account) -> list[CustomRate]:
    return list(account.custom_rates.select_related("service").order_by("service_id"))
