"""`status` reads up to a hundred ids and charges at once, through quick paths for what clients
send and what the database prints (plain digits): they must give what the general rules give."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from smmpanel.inputs import MAX_ID, parse_id, parse_ids
from smmpanel.money import SCALE, db_amount_formatter, format_amount

# Texts near the edges: zeros, leading zeros, 18 to 20 digits, MAX_ID and past it, signs,
# separators, spaces, non-ASCII digits and letters.
EDGES = ["0", "00", "007", "1", "+1", "-1", "1.0", "1_0", " 1", "1 ", "１２", "a", "", "٣"]
EDGES += ["9" * 18, "1" + "0" * 18, str(MAX_ID), str(MAX_ID + 1), "9" * 20]
ids = st.one_of(
    st.sampled_from(EDGES),
    st.integers(min_value=0, max_value=10**20).map(str),
    st.text(alphabet="0123456789 ,+-.a\t", max_size=6),
)


@settings(max_examples=500)
@given(st.lists(ids, max_size=12))
def test_parse_ids_gives_what_parse_id_gives_for_each(raws):
    raws = list(dict.fromkeys(raws))
    assert parse_ids(raws) == {raw: parse_id(raw) for raw in raws}


def test_parse_ids_of_plain_digits_turns_zero_to_none_and_keeps_the_order():
    assert list(parse_ids(["5", "0", "007", "3"]).items()) == [
        ("5", 5),
        ("0", None),
        ("007", 7),
        ("3", 3),
    ]


@settings(max_examples=500)
@given(
    st.decimals(min_value=0, max_value=Decimal("9999999999.99999"), places=SCALE),
    st.sampled_from(["USD", "IDR", "VND", "EUR", "JPY", "KWD"]),
)
def test_a_charge_read_as_text_is_shown_as_format_amount_shows_it(amount, currency):
    # As PostgreSQL prints a numeric(20, 5): all five decimals.
    text = f"{amount:.{SCALE}f}"
    assert db_amount_formatter(currency)(text) == format_amount(amount, currency)
