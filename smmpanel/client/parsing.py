"""Reading the loose values of API v2 replies: numbers as strings or numbers, flags as anything."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import ProviderBadReply, clean_text
from .results import ORDER_STATUSES, REFILL_STATUSES, SUBSCRIPTION_STATUSES, UNKNOWN

_INTEGER = re.compile(r"^[+-]?[0-9]+(\.0*)?$")
MAX_ID = 100


def text_id(value: Any, what: str = "id") -> str:
    """A provider id as text (`1` -> "1", `"VEGA123ABC"` stays)."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        raise ProviderBadReply(f"{what} is not an id: {clean_text(value, 60)}")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)  # 23501.0 -> "23501"
    text = clean_text(value, MAX_ID)
    if not text:
        raise ProviderBadReply(f"{what} is empty")
    return text


def money(value: Any, what: str) -> Decimal:
    """A required amount: "0.90", 2.5 (parsed as Decimal), 15000, "343423". Never float."""
    amount = optional_money(value)
    if amount is None:
        raise ProviderBadReply(f"{what} is missing or not a number: {clean_text(value, 60)}")
    return amount


def optional_money(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):  # only if a caller bypassed parse_float; repr is exact enough
        value = repr(value)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def integer(value: Any, what: str) -> int:
    number = optional_integer(value)
    if number is None:
        raise ProviderBadReply(f"{what} is missing or not an integer: {clean_text(value, 60)}")
    return number


def optional_integer(value: Any) -> int | None:
    """ "157", 157, "-2", "10.0" -> int; "", null, "abc", 1.5 -> None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not _INTEGER.match(text) or len(text) > 30:
        return None
    return int(Decimal(text))


def flag(value: Any) -> bool:
    """true, 1, "1", "true", "yes" -> True; anything else, including missing, -> False."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal)):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return False


def optional_text(value: Any, limit: int = 500) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    return clean_text(value, limit)


def _normal(value: str) -> str:
    return re.sub(r"[\s_-]+", " ", value).strip().lower()


_ORDER = {_normal(name): name for name in (*ORDER_STATUSES, *SUBSCRIPTION_STATUSES)}
_ORDER["cancelled"] = "Canceled"
_ORDER["inprogress"] = "In progress"
_REFILL = {_normal(name): name for name in REFILL_STATUSES}
_REFILL["inprogress"] = "In progress"


def order_status(raw: str) -> str:
    """One of the protocol's order or subscription statuses, or "unknown" (Refunded, Error, …)."""
    return _ORDER.get(_normal(raw), UNKNOWN)


def refill_status(raw: str) -> str:
    return _REFILL.get(_normal(raw), UNKNOWN)


def extra_value(value: Any) -> Any:
    """A value kept in `extra`: numbers as text (JSON-safe and exact), text cleaned."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, list):
        return [extra_value(item) for item in value[:100]]
    if isinstance(value, dict):
        return {clean_text(k, 100): extra_value(v) for k, v in list(value.items())[:100]}
    return clean_text(value)
