"""What a customer pays per 1000 (per package) of a service: the one rule, for the API, the order
form's preview, mass orders and subscriptions' posts alike."""

from decimal import Decimal

from smmpanel.accounts.models import Account
from smmpanel.catalog.models import CustomRate, Service
from smmpanel.orders.validation import customer_rate


def rate_for(account: Account, service: Service) -> Decimal:
    """The operator's custom rate of `service` for `account` when there is one (no discount on
    top: it is the customer's price); else the service's rate less the larger of the customer's
    own discount and its rank's. Unrounded: the charge rounds once. No query unless the
    customer has custom rates."""
    if account.has_custom_rates:
        custom = (
            CustomRate.objects.filter(account_id=account.pk, service_id=service.pk)
            .values_list("rate", flat=True)
            .first()
        )
        if custom is not None:
            return custom
    return customer_rate(service.rate, account.discount)
