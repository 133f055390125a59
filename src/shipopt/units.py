"""Exact units: mass, length and money.

Internal base units are integers chosen so that every supported unit converts exactly:

* mass in nanograms (1 lb = 453,592,370,000 ng; 1 oz = 28,349,523,125 ng; 1 kg = 10^12 ng);
* length in nanometres (1 in = 25,400,000 nm; 1 cm = 10^7 nm).

Values arrive with a unit at the boundary (``"2.5 lb"`` or ``{"value": 2.5, "unit": "lb"}``), are
converted once, and stay integers. A value finer than one base unit is rounded half-up to it.

Money is :class:`~decimal.Decimal` at every boundary. Inside rating it is integer cents, and the one
rounding rule is: each charge line is rounded half-up to the cent, and a total is the sum of its
rounded lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

MassUnit = Literal["ng", "g", "kg", "oz", "lb"]
LengthUnit = Literal["nm", "mm", "cm", "m", "in", "ft"]

NG_PER: dict[str, int] = {
    "ng": 1,
    "g": 10**9,
    "kg": 10**12,
    "oz": 28_349_523_125,
    "lb": 453_592_370_000,
}
NM_PER: dict[str, int] = {
    "nm": 1,
    "mm": 10**6,
    "cm": 10**7,
    "m": 10**9,
    "in": 25_400_000,
    "ft": 304_800_000,
}
_ALIASES: dict[str, str] = {
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "ounce": "oz",
    "ounces": "oz",
    "gram": "g",
    "grams": "g",
    "kgs": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "inch": "in",
    "inches": "in",
    '"': "in",
    "millimetre": "mm",
    "millimeter": "mm",
    "centimetre": "cm",
    "centimeter": "cm",
    "feet": "ft",
    "foot": "ft",
}
_QUANTITY = re.compile(r"^\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*([a-zA-Z\"]+)\s*$", re.ASCII)
CENT = Decimal("0.01")


class UnitError(ValueError):
    """A quantity or unit that cannot be understood."""


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Turn an int, a float (through its shortest repr) or a numeric string into a Decimal."""
    if isinstance(value, bool):
        raise UnitError(f"{what} must be a number, not a boolean")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        _ascii_only(value, what)
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise UnitError(f"{what} {value!r} is not a number") from None
    else:
        raise UnitError(f"{what} must be a number, got {type(value).__name__}")
    if not result.is_finite():
        raise UnitError(f"{what} must be a finite number, got {value!r}")
    return result


def _ascii_only(text: str, what: str) -> None:
    """Numbers are written with ASCII digits: "٥" or "１０" is refused, never read as 5 or 10."""
    if not text.isascii():
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UnitError(f"{what} {shown!r} must be written with ASCII digits 0-9")


def _canonical_unit(unit: str, table: dict[str, int], kind: str) -> str:
    key = unit.strip()
    key = _ALIASES.get(key.lower(), key.lower())
    if key not in table:
        allowed = ", ".join(u for u in table if u not in ("ng", "nm"))
        raise UnitError(f"unknown {kind} unit {unit!r} (use one of {allowed})")
    return key


def _split_quantity(raw: object, kind: str) -> tuple[Decimal, str]:
    if isinstance(raw, dict):
        if set(raw) != {"value", "unit"}:
            raise UnitError(f"a {kind} object needs exactly the keys 'value' and 'unit'")
        unit = raw["unit"]
        if not isinstance(unit, str):
            raise UnitError(f"{kind} unit must be a string")
        return to_decimal(raw["value"], kind), unit
    if isinstance(raw, str):
        _ascii_only(raw, kind)
        match = _QUANTITY.match(raw)
        if not match:
            example = "2.5 lb" if kind == "mass" else "12 in"
            raise UnitError(f"{kind} {raw!r} must look like '{example}' (a number and a unit)")
        return Decimal(match.group(1)), match.group(2)
    value, unit = ("2.5", "lb") if kind == "mass" else ("12", "in")
    raise UnitError(
        f"{kind} needs a unit: write '{value} {unit}' or {{'value': {value}, 'unit': '{unit}'}}"
    )


def _to_base(value: Decimal, factor: int) -> int:
    return int((value * factor).to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True, order=True)
class Mass:
    """A mass, held as whole nanograms."""

    ng: int

    UNITS: ClassVar[dict[str, int]] = NG_PER

    @classmethod
    def of(cls, value: object, unit: str) -> Mass:
        factor = NG_PER[_canonical_unit(unit, NG_PER, "mass")]
        return cls(_to_base(to_decimal(value, "mass"), factor))

    @classmethod
    def parse(cls, raw: object) -> Mass:
        """Parse ``"2.5 lb"``, ``{"value": 2.5, "unit": "lb"}`` or an existing Mass."""
        if isinstance(raw, Mass):
            return raw
        value, unit = _split_quantity(raw, "mass")
        return cls.of(value, unit)

    def to(self, unit: str) -> Decimal:
        """The exact value in ``unit`` (a Decimal quotient, 28 significant digits)."""
        return Decimal(self.ng) / NG_PER[_canonical_unit(unit, NG_PER, "mass")]

    def __add__(self, other: Mass) -> Mass:
        return Mass(self.ng + other.ng)

    def __str__(self) -> str:
        """For display: pounds to three places (the value itself stays exact)."""
        return f"{self.to('lb').quantize(Decimal('0.001')).normalize():f} lb"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda m: {"value": str(m.to("g").normalize()), "unit": "g"}
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _quantity_json_schema("mass", list(_public_units(NG_PER)), "2.5 lb")


@dataclass(frozen=True, slots=True, order=True)
class Length:
    """A length, held as whole nanometres."""

    nm: int

    @classmethod
    def of(cls, value: object, unit: str) -> Length:
        factor = NM_PER[_canonical_unit(unit, NM_PER, "length")]
        return cls(_to_base(to_decimal(value, "length"), factor))

    @classmethod
    def parse(cls, raw: object) -> Length:
        """Parse ``"12 in"``, ``{"value": 12, "unit": "in"}`` or an existing Length."""
        if isinstance(raw, Length):
            return raw
        value, unit = _split_quantity(raw, "length")
        return cls.of(value, unit)

    def to(self, unit: str) -> Decimal:
        return Decimal(self.nm) / NM_PER[_canonical_unit(unit, NM_PER, "length")]

    def __str__(self) -> str:
        """For display: inches to three places (the value itself stays exact)."""
        return f"{self.to('in').quantize(Decimal('0.001')).normalize():f} in"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: {"value": str(v.to("mm").normalize()), "unit": "mm"}
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _quantity_json_schema("length", list(_public_units(NM_PER)), "12 in")


def _public_units(table: dict[str, int]) -> tuple[str, ...]:
    return tuple(u for u in table if u not in ("ng", "nm"))


def _quantity_json_schema(kind: str, units: list[str], example: str) -> JsonSchemaValue:
    return {
        "description": f"A {kind} with its unit, as a string or an object.",
        "anyOf": [
            {"type": "string", "examples": [example]},
            {
                "type": "object",
                "properties": {
                    "value": {"anyOf": [{"type": "number"}, {"type": "string"}]},
                    "unit": {"type": "string", "enum": units},
                },
                "required": ["value", "unit"],
                "additionalProperties": False,
            },
        ],
    }


def div_round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def div_ceil(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded up, for non-negative integers."""
    return -((-numerator) // denominator)


def cents_to_decimal(cents: int) -> Decimal:
    """Integer cents as a Decimal amount with two places."""
    return Decimal(cents).scaleb(-2)


def money_to_cents(amount: object, what: str = "amount") -> int:
    """An amount with at most two decimal places as integer cents; finer amounts are refused."""
    value = to_decimal(amount, what)
    cents = value * 100
    if cents != cents.to_integral_value():
        raise UnitError(f"{what} {amount!r} has more than two decimal places")
    return int(cents)


def to_scaled_int(value: object, places: int, what: str) -> int:
    """A number with at most ``places`` decimal places as an integer scaled by 10**places."""
    scaled = to_decimal(value, what).scaleb(places)
    if scaled != scaled.to_integral_value():
        raise UnitError(f"{what} {value!r} has more than {places} decimal places")
    return int(scaled)


def round_money(amount: Decimal) -> Decimal:
    """The project's one rounding rule for money: half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def ceil_decimal(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))
