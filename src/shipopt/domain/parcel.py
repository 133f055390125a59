"""Parcels and their measurements."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from shipopt.domain.base import Frozen
from shipopt.units import Length, Mass, UnitError, to_decimal


def _positive_length(value: Length) -> Length:
    if value.nm <= 0:
        raise ValueError("must be greater than zero")
    return value


def _positive_mass(value: Mass) -> Mass:
    if value.ng <= 0:
        raise ValueError("must be greater than zero")
    return value


PositiveLength = Annotated[Length, AfterValidator(_positive_length)]
PositiveMass = Annotated[Mass, AfterValidator(_positive_mass)]


class Dimensions(Frozen):
    """Outer dimensions; order does not matter (rating sorts them)."""

    length: PositiveLength
    width: PositiveLength
    height: PositiveLength

    @classmethod
    def parse(cls, text: str) -> Dimensions:
        """``"12x10x8 in"`` -> Dimensions."""
        body, _, unit = text.strip().rpartition(" ")
        if not body:
            body, unit = _split_trailing_unit(text.strip())
        parts = [p.strip() for p in body.lower().split("x")]
        if len(parts) != 3 or not unit:
            raise UnitError(f"dimensions {text!r} must look like '12x10x8 in'")
        values = [Length.of(p, unit) for p in parts]
        return cls(length=values[0], width=values[1], height=values[2])

    def sorted_nm(self) -> tuple[int, int, int]:
        """Sides in nanometres, longest first."""
        a, b, c = sorted((self.length.nm, self.width.nm, self.height.nm), reverse=True)
        return a, b, c


def _split_trailing_unit(text: str) -> tuple[str, str]:
    i = len(text)
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    return text[:i], text[i:]


FreightClass = Literal[
    "50", "55", "60", "65", "70", "77.5", "85", "92.5", "100",
    "110", "125", "150", "175", "200", "250", "300", "400", "500",
]  # fmt: skip


class Parcel(Frozen):
    """One package (a box, envelope or pallet) as tendered to a carrier."""

    dimensions: Dimensions
    weight: PositiveMass
    declared_value: Decimal | None = Field(default=None, ge=0)
    packaging: Literal["box", "pallet"] = "box"
    freight_class: FreightClass | None = Field(
        default=None, description="Pallets only; computed from density when omitted."
    )

    @field_validator("dimensions", mode="before")
    @classmethod
    def _dims_from_text(cls, value: object) -> object:
        return Dimensions.parse(value) if isinstance(value, str) else value

    @field_validator("declared_value", mode="before")
    @classmethod
    def _money(cls, value: object) -> object:
        return None if value is None else to_decimal(value, "declared_value")
