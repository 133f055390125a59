from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shipopt.domain.parcel import Dimensions
from shipopt.units import (
    NG_PER,
    NM_PER,
    Length,
    Mass,
    UnitError,
    cents_to_decimal,
    div_ceil,
    div_round_half_up,
    money_to_cents,
    round_money,
    to_decimal,
)


def test_exact_factors() -> None:
    assert Mass.parse("1 lb") == Mass.parse("16 oz") == Mass.of("453.59237", "g")
    assert Mass.parse("1 kg").ng == 10**12
    assert Length.parse("1 in") == Length.of("2.54", "cm") == Length.of("25.4", "mm")
    assert Length.parse("1 ft") == Length.parse("12 in")


def test_string_and_object_forms_agree() -> None:
    assert Mass.parse("2.5 lb") == Mass.parse({"value": 2.5, "unit": "lb"})
    assert Mass.parse("2.5lb") == Mass.parse({"value": "2.5", "unit": "pounds"})
    assert Length.parse('12"') == Length.parse("12 inches")


def test_float_goes_through_its_repr() -> None:
    # 0.1 as a binary float is 0.1000000000000000055...; its repr is 0.1
    assert Mass.parse({"value": 0.1, "unit": "kg"}).ng == 10**11


@pytest.mark.parametrize(
    "raw, message",
    [
        ("5", "must look like"),
        ("5 stone", "unknown mass unit"),
        ({"value": 5}, "exactly the keys"),
        ({"value": "abc", "unit": "lb"}, "not a number"),
        ({"value": True, "unit": "lb"}, "not a boolean"),
        ({"value": "NaN", "unit": "lb"}, "finite"),
        (5, "needs a unit"),
    ],
)
def test_bad_mass(raw: object, message: str) -> None:
    with pytest.raises(UnitError, match=message):
        Mass.parse(raw)


def test_bad_length_unit() -> None:
    with pytest.raises(UnitError, match="unknown length unit"):
        Length.parse("3 parsecs")


@given(
    st.decimals(min_value=0, max_value=10**6, places=5), st.sampled_from(["g", "kg", "oz", "lb"])
)
def test_mass_round_trips(value: Decimal, unit: str) -> None:
    # exact to the base unit: within half a nanogram
    assert abs(Mass.of(value, unit).ng - value * NG_PER[unit]) <= Decimal("0.5")
    assert abs(Mass.of(value, unit).to(unit) - value) <= Decimal(1) / NG_PER[unit]


@given(
    st.decimals(min_value=0, max_value=10**5, places=5), st.sampled_from(["mm", "cm", "in", "ft"])
)
def test_length_round_trips(value: Decimal, unit: str) -> None:
    assert abs(Length.of(value, unit).nm - value * NM_PER[unit]) <= Decimal("0.5")
    assert abs(Length.of(value, unit).to(unit) - value) <= Decimal(1) / NM_PER[unit]


@given(st.integers(0, 10**6), st.sampled_from(["g", "kg", "oz", "lb"]))
def test_whole_units_round_trip_exactly(value: int, unit: str) -> None:
    assert Mass.of(value, unit).to(unit) == value


@given(st.integers(0, 10**12), st.integers(1, 10**6))
def test_integer_rounding(n: int, d: int) -> None:
    assert div_ceil(n, d) == -(-Decimal(n) / d).to_integral_value(rounding="ROUND_FLOOR")
    assert div_round_half_up(n, d) == (Decimal(n) / d).to_integral_value(rounding="ROUND_HALF_UP")


def test_money() -> None:
    assert money_to_cents("12.30") == 1230
    assert cents_to_decimal(1230) == Decimal("12.30")
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    with pytest.raises(UnitError, match="two decimal places"):
        money_to_cents("1.234")


@pytest.mark.parametrize("text", ["٥ lb", "１０ lb", "5 lb\u00a0", "²lb"])
def test_only_ascii_digits_are_numbers(text: str) -> None:
    with pytest.raises(UnitError, match="ASCII digits"):
        Mass.parse(text)


@pytest.mark.parametrize("text", ["١٢x10x8 in", "12x１０x8 in"])
def test_dimensions_need_ascii_digits(text: str) -> None:
    with pytest.raises(ValidationError, match="ASCII digits"):
        Dimensions.parse(text)


def test_to_decimal_refuses_other_digits() -> None:
    with pytest.raises(UnitError, match="ASCII digits"):
        to_decimal("٣.٥", "price")
