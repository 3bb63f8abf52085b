"""URL-encoded bodies are read exactly as Django's QueryDict reads them, whatever they escape."""

from urllib.parse import quote, quote_plus, urlencode

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from smmpanel.api.dialect import _form

# Names and values with what form encoding escapes or splits on, commas first.
TEXT = st.text(alphabet=st.sampled_from(list("ab1,, %&=+;#?/ é✓")), max_size=30)


def queried(body: str, encoding: str = "utf-8") -> dict[str, str]:
    """What Django's request.POST holds for the body (the last of repeated names)."""
    query = QueryDict(body.encode(encoding), encoding=encoding)
    return {name: value.strip() for name, value in query.items()}


@given(
    fields=st.lists(st.tuples(TEXT, TEXT), max_size=6),
    quote_via=st.sampled_from([quote, quote_plus]),
    lower_case=st.booleans(),
)
def test_a_form_body_reads_as_django_reads_it(fields, quote_via, lower_case):
    body = urlencode(fields, quote_via=quote_via)
    if lower_case:
        body = body.replace("%2C", "%2c")
    assert _form(body.encode(), None) == queried(body)


@pytest.mark.parametrize(
    "body",
    [
        # A 100-id status as PHP's http_build_query and curl send it: commas its only escapes.
        "key=k&action=status&orders=" + "%2C".join(str(n) for n in range(1, 101)),
        "orders=1%2c2%2C3&action=status",
        # Other escapes beside the commas, an escaped percent, a comma escaped twice.
        "orders=1%2C2&link=https%3A%2F%2Fx.com%2Fa",
        "orders=1%2C2&note=100%25",
        "orders=1%252C2",
        "orders=1%2C2+3&x=%",
    ],
)
def test_escaped_commas_read_as_django_reads_them(body):
    assert _form(body.encode(), None) == queried(body)
    assert _form(body.encode(), "iso-8859-1") == queried(body, "iso-8859-1")


# Values that send the body down the bracketed-list branch without a bracketed name.
BRACKETS = st.text(alphabet=st.sampled_from(list("ab1,, %&=+;#?/ é✓[]")), max_size=30)


@given(fields=st.lists(st.tuples(TEXT, BRACKETS), max_size=6), escaped=st.booleans())
def test_brackets_in_values_read_as_django_reads_them(fields, escaped):
    body = urlencode(fields, quote_via=quote, safe="" if escaped else "[]")
    assert _form(body.encode(), None) == queried(body)


# List items: no comma, none of them an absent value but the empty one.
ITEM = st.text(alphabet=st.sampled_from(list("ab1 %&=+;#?/ é✓")), max_size=10)


def bracketed(name: str, items: list[str], indexed: bool, escaped: bool) -> str:
    pairs = [
        (f"{name}[{index}]" if indexed else f"{name}[]", item) for index, item in enumerate(items)
    ]
    return urlencode(pairs, quote_via=quote, safe="" if escaped else "[]")


@given(items=st.lists(ITEM, max_size=8), indexed=st.booleans(), escaped=st.booleans())
def test_a_bracketed_list_reads_as_its_comma_separated_text(items, indexed, escaped):
    def ids(params: dict[str, str]) -> list[str]:
        return [item.strip() for item in params.get("orders", "").split(",") if item.strip()]

    body = bracketed("orders", items, indexed, escaped)
    assert ids(_form(body.encode(), None)) == ids(queried(urlencode({"orders": ",".join(items)})))


@given(
    items=st.lists(TEXT, min_size=1, max_size=8),
    indexed=st.booleans(),
    escaped=st.booleans(),
)
def test_a_bracketed_list_of_comments_is_one_per_line_commas_kept(items, indexed, escaped):
    body = bracketed("comments", items, indexed, escaped)
    lines = _form(body.encode(), None)["comments"].split("\n")
    assert [line for line in lines if line] == [item.strip() for item in items if item.strip()]
