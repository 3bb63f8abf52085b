"""Safe retries: an order request that carries an idempotency key is placed at most once.

The key is the customer's (unique per account, a database constraint), and the order keeps a digest
of the request's parameters: a retry with the same key and the same parameters gets the original
order back and pays nothing; the same key with other parameters is refused.
"""

import hashlib
from collections.abc import Mapping
from typing import TypeVar

import orjson
from django.db.models import Model

from smmpanel.accounts.models import Account
from smmpanel.inputs import parse_id
from smmpanel.orders.errors import OrderError, OrderErrorCode

MAX_KEY_LENGTH = 255
# Parameters that are not part of what is ordered.
_NOT_PARAMETERS = frozenset({"idempotency_key", "key", "action"})

M = TypeVar("M", bound=Model)


def clean_key(raw: str | None) -> str | None:
    """The key as stored: stripped, None when absent or empty; refused when too long."""
    key = (raw or "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH or "\x00" in key:
        raise OrderError(OrderErrorCode.INVALID_FIELD, field="idempotency_key")
    return key


def fingerprint(target_field: str, params: Mapping[str, str]) -> str:
    """A digest of what is ordered: every parameter but the key, the target id normalized."""
    values = {name: value for name, value in params.items() if name not in _NOT_PARAMETERS}
    target = values.get(target_field)
    if target is not None and (pk := parse_id(target)) is not None:
        values[target_field] = str(pk)
    return hashlib.sha256(orjson.dumps(values, option=orjson.OPT_SORT_KEYS)).hexdigest()


def replayed(model: type[M], *, account: Account, key: str | None, digest: str) -> M | None:
    """The account's earlier order with this key, if any; OrderError when its parameters differ."""
    if key is None:
        return None
    order = model._default_manager.filter(account=account, idempotency_key=key).first()
    if order is not None and order.idempotency_fingerprint != digest:  # type: ignore[attr-defined]
        raise OrderError(OrderErrorCode.IDEMPOTENCY_KEY_REUSED)
    return order
