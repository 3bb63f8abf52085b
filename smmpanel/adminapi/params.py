"""The Admin API's parameters read from a request's (string) params, refused with its errors."""

from decimal import Decimal

from smmpanel.adminapi.errors import AdminApiError, AdminApiErrorCode
from smmpanel.inputs import MAX_BIGINT, parse_id, parse_whole
from smmpanel.money import MoneyFormatError, parse_amount


def required(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise AdminApiError(AdminApiErrorCode.MISSING_PARAMETER, field=name)
    return value


def an_id(params: dict[str, str], name: str) -> int:
    """The id given as `name`: MISSING_PARAMETER without one, INCORRECT_PARAMETER for a non-id."""
    pk = parse_id(required(params, name))
    if pk is None:
        raise AdminApiError(AdminApiErrorCode.INCORRECT_PARAMETER, field=name)
    return pk


def optional_id(params: dict[str, str], name: str) -> int | None:
    return an_id(params, name) if params.get(name) else None


def optional_count(params: dict[str, str], name: str, *, low: int = 0) -> int | None:
    """A whole number from `low` up, or None when not given; INCORRECT_PARAMETER otherwise."""
    if not params.get(name):
        return None
    number = parse_whole(params[name])
    if number is None or not low <= number <= MAX_BIGINT:
        raise AdminApiError(AdminApiErrorCode.INCORRECT_PARAMETER, field=name)
    return number


def limit(params: dict[str, str], most: int) -> int:
    """`limit`, 1 to `most`; `most` when not given."""
    number = optional_count(params, "limit", low=1)
    if number is not None and number > most:
        raise AdminApiError(AdminApiErrorCode.INCORRECT_PARAMETER, field="limit")
    return most if number is None else number


def choice(params: dict[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, as written there whatever the case given."""
    given = required(params, name)
    for value in choices:
        if value.lower() == given.lower():
            return value
    raise AdminApiError(AdminApiErrorCode.INCORRECT_PARAMETER, field=name)


def amount(params: dict[str, str], name: str) -> Decimal:
    try:
        return parse_amount(required(params, name))
    except MoneyFormatError:
        raise AdminApiError(AdminApiErrorCode.INCORRECT_PARAMETER, field=name) from None
