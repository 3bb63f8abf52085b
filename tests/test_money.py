from decimal import Decimal

import pytest

from smmpanel.money import (
    MoneyFormatError,
    format_amount,
    order_charge,
    parse_amount,
    proportional_part,
)


@pytest.mark.parametrize(
    ("rate", "quantity", "charge"),
    [
        ("0.90", 100, "0.09000"),
        ("0.27819", 1000, "0.27819"),
        ("0.27819", 1, "0.00028"),  # 0.00027819 rounds half up at 5 places
        ("0.00001", 500, "0.00001"),  # 0.000005 rounds half up
        ("0.00001", 499, "0.00000"),
        ("15000", 100, "1500.00000"),
    ],
)
def test_order_charge_is_rate_per_thousand_rounded_half_up(rate, quantity, charge):
    assert order_charge(Decimal(rate), quantity) == Decimal(charge)
    assert str(order_charge(Decimal(rate), quantity)) == charge


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


def test_proportional_part_clamps_remains():
    charge = Decimal("9.00000")
    assert proportional_part(charge, 157, 1000) == Decimal("1.41300")
    assert proportional_part(charge, -2, 1000) == Decimal("0")
    assert proportional_part(charge, 5000, 1000) == charge
    assert proportional_part(charge, 10, 0) == Decimal("0")
