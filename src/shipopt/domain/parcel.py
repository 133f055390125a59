"""Parcels and their measurements."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

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

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            body, unit = _split_text(value)
            parts = [p.strip() for p in body.lower().split("x")]
            if len(parts) != 3 or not unit:
                raise UnitError(f"dimensions {value!r} must look like '12x10x8 in'")
            return {
                "length": f"{parts[0]} {unit}",
                "width": f"{parts[1]} {unit}",
                "height": f"{parts[2]} {unit}",
            }
        return value

    @classmethod
    def parse(cls, text: str) -> Dimensions:
        """``"12x10x8 in"`` -> Dimensions."""
        return cls.model_validate(text)

    def sorted_nm(self) -> tuple[int, int, int]:
        """Sides in nanometres, longest first."""
        a, b, c = sorted((self.length.nm, self.width.nm, self.height.nm), reverse=True)
        return a, b, c


def _split_text(text: str) -> tuple[str, str]:
    """``"12x10x8 in"`` or ``"12x10x8in"`` -> ("12x10x8", "in")."""
    text = text.strip()
    i = len(text)
    while i > 0 and (text[i - 1].isalpha() or text[i - 1] == '"'):
        i -= 1
    return text[:i].strip(), text[i:]


FreightClass = Literal[
    "50", "55", "60", "65", "70", "77.5", "85", "92.5", "100",
    "110", "125", "150", "175", "200", "250", "300", "400", "500",
]  # fmt: skip


class Parcel(Frozen):
    """One package (a box, envelope or pallet) as tendered to a carrier."""

    dimensions: Dimensions
    weight: PositiveMass
    declared_value: Decimal | None = Field(
        default=None,
        ge=0,
        le=1_000_000,
        decimal_places=2,
        description="Informational: carried with the parcel; no rate table prices declared-value "
        "coverage, so it changes no price.",
    )
    packaging: Literal["box", "envelope", "pallet"] = Field(
        default="box",
        description="An envelope within a service's letter weight is priced at its letter rate.",
    )
    freight_class: FreightClass | None = Field(
        default=None, description="Pallets only; computed from density when omitted."
    )

    @field_validator("declared_value", mode="before")
    @classmethod
    def _money(cls, value: object) -> object:
        return None if value is None else to_decimal(value, "declared_value")
