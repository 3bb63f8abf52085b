from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smmpanel.money import (
    MAX_AMOUNT,
    QUANTUM,
    MoneyFormatError,
    format_amount,
    order_charge,
    parse_amount,
    proportional_part,
    quantize_up,
)


@pytest.mark.parametrize(
    ("rate", "quantity", "charge"),
    [
        ("0.90", 100, "0.09000"),
        ("0.27819", 1000, "0.27819"),
        ("0.27819", 1, "0.00028"),  # 0.00027819 rounds up at 5 places
        ("0.27812", 1, "0.00028"),  # 0.00027812 too: never below the price
        ("0.00001", 500, "0.00001"),
        ("0.00001", 499, "0.00001"),  # 0.00000499: not free
        ("0.001", 1, "0.00001"),  # 0.000001: the smallest amount, not 0
        ("0.001", 4, "0.00001"),
        ("0.00001", 1001, "0.00002"),  # 0.00001001
        ("0", 1000, "0.00000"),  # only a rate of 0 is free
        ("15000", 100, "1500.00000"),
    ],
)
def test_order_charge_is_rate_per_thousand_rounded_up(rate, quantity, charge):
    assert order_charge(Decimal(rate), quantity) == Decimal(charge)
    assert str(order_charge(Decimal(rate), quantity)) == charge


def test_a_package_or_product_charge_is_its_rate_per_unit_rounded_up():
    assert order_charge(Decimal("2.5"), 1, per=1) == Decimal("2.50000")
    assert order_charge(Decimal("1.25"), 3, per=1) == Decimal("3.75000")
    # A discounted rate has more decimals than the scale: 0.00001 × 40 % off.
    assert order_charge(Decimal("0.000006"), 1, per=1) == Decimal("0.00001")


def test_the_largest_order_is_priced_not_refused_by_the_arithmetic():
    # 9999999999.99999 × (2**63 - 1) / 1000 has 31 digits: beyond Decimal's default 28.
    charge = order_charge(Decimal("9999999999.99999"), 2**63 - 1)
    assert charge == Decimal("92233720368547665836279631.45225")
    assert charge >= MAX_AMOUNT


def test_quantize_up_never_rounds_below_the_amount():
    assert quantize_up(Decimal("0.000011")) == Decimal("0.00002")
    assert quantize_up(Decimal("0.000019")) == Decimal("0.00002")
    assert quantize_up(Decimal("0.00001")) == Decimal("0.00001")
    assert quantize_up(Decimal("0.0000001")) == QUANTUM


rates = st.decimals(min_value=Decimal("0.00001"), max_value=Decimal("50"), places=5)


@given(rate=rates, quantity=st.integers(1, 10**6), remains=st.integers(-10, 10**6 + 10))
def test_the_panel_never_undercharges_and_never_refunds_more_than_it_charged(
    rate, quantity, remains
):
    charge = order_charge(rate, quantity)
    assert charge >= QUANTUM
    assert charge >= rate * quantity / 1000
    refund = proportional_part(charge, remains, quantity)
    assert 0 <= refund <= charge
    delivered = quantity - min(max(remains, 0), quantity)
    # What is kept pays for what was delivered, priced as an order of that many.
    assert charge - refund >= order_charge(rate, delivered)


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("0.9", "USD", "0.90"),
        ("0.27819", "USD", "0.27819"),
        ("100.84292", "USD", "100.84292"),
        ("100.00000", "USD", "100.00"),
        ("15000.00000", "IDR", "15000"),
        ("343423", "VND", "343423"),
        ("2.5", "VND", "2.5"),
        ("0", "USD", "0.00"),
    ],
)
def test_format_amount_uses_currency_decimals_but_never_hides_digits(amount, currency, text):
    assert format_amount(Decimal(amount), currency) == text


def test_parse_amount_refuses_what_the_scale_cannot_hold():
    assert parse_amount("10.5") == Decimal("10.50000")
    for bad in ["abc", "NaN", "Infinity", "0.000001", "1e30", ""]:
        with pytest.raises(MoneyFormatError):
            parse_amount(bad)


def test_parse_amount_takes_the_largest_amount_and_refuses_the_maximum():
    largest = MAX_AMOUNT - QUANTUM
    assert parse_amount("9999999999.99999") == largest
    assert parse_amount("-9999999999.99999") == -largest
    for bad in ["10000000000", "10000000000.00000", "-10000000000"]:
        with pytest.raises(MoneyFormatError):
            parse_amount(bad)


@pytest.mark.parametrize("currency", ["JPY", "KRW", "jpy", "IDR", "VND"])
def test_currencies_without_minor_unit_are_shown_without_decimals(currency):
    assert format_amount(Decimal("1500.00000"), currency) == "1500"
    assert format_amount(Decimal("0.00000"), currency) == "0"
    # Digits the amount needs are still shown.
    assert format_amount(Decimal("1500.50000"), currency) == "1500.5"


def test_proportional_part_clamps_remains():
    charge = Decimal("9.00000")
    assert proportional_part(charge, 157, 1000) == Decimal("1.41300")
    assert proportional_part(charge, -2, 1000) == Decimal("0")
    assert proportional_part(charge, 5000, 1000) == charge
    assert proportional_part(charge, 10, 0) == Decimal("0")


def test_proportional_part_rounds_down():
    # 0.00001 × 2 / 4 = 0.000005: the 2 delivered units keep their (upward-rounded) price.
    assert proportional_part(Decimal("0.00001"), 2, 4) == Decimal("0")
    assert proportional_part(Decimal("0.00003"), 1, 2) == Decimal("0.00001")
    assert proportional_part(Decimal("0.00003"), 2, 2) == Decimal("0.00003")


def test_an_order_of_one_unit_left_undelivered_gets_its_whole_charge_back():
    # A package (total quantity 1) ended Partial or Expired with remains 1.
    assert proportional_part(Decimal("2.50000"), 1, 1) == Decimal("2.50000")
    assert proportional_part(Decimal("0.00001"), 1, 1) == Decimal("0.00001")
