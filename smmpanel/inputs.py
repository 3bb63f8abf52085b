"""Numbers, ids and text read from a request (query string, form, path, API parameter), refused
when the database could not take them.

Every view, form and API action reads them through here, so that an out-of-range number or a
character the database refuses becomes "no such value" (a 404, an ignored filter, the protocol's
error) instead of a server error: SQLite can't bind an integer beyond 64 bits, PostgreSQL
refuses a value beyond its column's type and any NUL character in text.
"""

import re

from django import forms

# Every model's id is a BigAutoField (settings.DEFAULT_AUTO_FIELD), and so is every foreign key to
# one: PostgreSQL's bigint. Ids start at 1. (Django's own User keeps an integer id; no page reads
# one from a request: accounts are looked up by their own id.)
MAX_ID = 2**63 - 1
# Columns of PostgreSQL's bigint (PositiveBigIntegerField, BigIntegerField: quantities, counts).
MAX_BIGINT = 2**63 - 1
# Columns of PostgreSQL's integer (PositiveIntegerField, IntegerField: days, minutes, limits).
MAX_INTEGER = 2**31 - 1
# Whole numbers, optionally written with a zero fraction ("100.0"); no exponents, no separators.
WHOLE_NUMBER = re.compile(r"[+-]?\d{1,40}(?:\.0*)?", re.ASCII)


def parse_whole(value: str | None) -> int | None:
    """A whole number, or None when the text is not one (callers check its range)."""
    if value is None or not WHOLE_NUMBER.fullmatch(value):
        return None
    return int(value.split(".")[0])


def parse_id(raw: str | int | None) -> int | None:
    """A database id (1 to MAX_ID), or None: for anything else, nothing can match."""
    if raw is None:
        return None
    text = str(raw).strip()
    # The common case, plain digits, without the regular expression (status parses 100 ids).
    number = int(text) if text.isascii() and text.isdigit() else parse_whole(text)
    return number if number is not None and 0 < number <= MAX_ID else None


def parse_ids(raws: list[str]) -> dict[str, int | None]:
    """`parse_id` of each, by its text: plain digits (what clients send) without a call each, as
    `status` reads a hundred at a time (fewer than 19 digits are always within MAX_ID)."""
    return {
        raw: (int(raw) or None)
        if raw.isascii() and raw.isdigit() and len(raw) < 19
        else parse_id(raw)
        for raw in raws
    }


def known_ids(raws: list[str]) -> list[int]:
    """The ids among `raws` (a form's list of checkboxes, say); the others are dropped."""
    return [pk for pk in map(parse_id, raws) if pk is not None]


def clean_text(raw: str | None, max_length: int = 200) -> str:
    """A search or filter text, stripped and cut to `max_length`; "" (no filter) when it holds a
    NUL, which no stored text holds and PostgreSQL refuses in a query."""
    text = (raw or "").strip()[:max_length]
    return "" if "\x00" in text else text


def required_id(raw: str) -> int:
    """`parse_id` as a form field's `coerce`: a ValueError (the field's "not a valid choice")
    for anything that is not an id."""
    pk = parse_id(raw)
    if pk is None:
        raise ValueError(raw)
    return pk


class IdField(forms.IntegerField):
    """A form field for an id: a whole number from 1 to MAX_ID."""

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)  # type: ignore[arg-type]


class IdConverter:
    """The `<id:…>` path converter: `<int:…>` lets any number of digits through, to a lookup that
    fails on the database; this one matches ids only, so anything else is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError("not an id")  # the URL does not match: 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
