"""Payment methods for the gateways' tests, made as an operator makes them."""

from decimal import Decimal

from smmpanel.audit.log import Actor
from smmpanel.payments.methods import save_method
from smmpanel.payments.models import PaymentMethod


def make_method(gateway: str, *, credentials: dict[str, str], **values) -> PaymentMethod:
    """An active method of `gateway` with these credentials (add "api_url": fake.url to point
    the plug-in at a fake), in the panel's currency unless `currency` (and `exchange_rate`)."""
    base = {
        "name": gateway.title(),
        "gateway": gateway,
        "min_amount": Decimal(1),
        "max_amount": None,
        "active": True,
        "credentials": credentials,
    }
    return save_method(method_id=None, values={**base, **values}, acting_user=Actor.system())
