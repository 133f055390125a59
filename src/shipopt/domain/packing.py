"""Packing models: items, box types, options and results."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from shipopt.domain.base import Frozen
from shipopt.domain.parcel import Dimensions, PositiveMass
from shipopt.units import Length, Mass

Orientation = Literal["any", "upright", "fixed"]


class Item(Frozen):
    """An order line to pack. ``upright`` keeps its height vertical; ``fixed`` keeps all axes."""

    sku: str = Field(min_length=1)
    dimensions: Dimensions
    weight: PositiveMass
    quantity: int = Field(default=1, ge=1, le=10_000)
    orientation: Orientation = "any"
    fragile: bool = Field(default=False, description="Nothing may be stacked above it.")
    ships_alone: bool = Field(default=False, description="Ships in its own packaging.")
    max_stack_weight: Mass | None = Field(default=None, description="Most weight it may carry.")


class BoxType(Frozen):
    name: str = Field(min_length=1)
    inner: Dimensions
    outer: Dimensions
    tare_weight: Mass = Field(default=Mass(0), json_schema_extra={"default": "0 g"})
    max_gross_weight: PositiveMass
    cost: Decimal = Field(default=Decimal(0), ge=0)
    stock: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _inner_within_outer(self) -> BoxType:
        for axis in ("length", "width", "height"):
            if getattr(self.inner, axis).nm > getattr(self.outer, axis).nm:
                raise ValueError(f"inner {axis} exceeds the outer {axis}")
        if self.tare_weight.ng >= self.max_gross_weight.ng:
            raise ValueError("tare weight must be below the maximum gross weight")
        return self


class PackOptions(Frozen):
    support: Decimal | None = Field(
        default=Decimal(0),
        ge=0,
        le=1,
        description="Share of an item's base that must rest on the floor or on items: 0 means "
        "it must touch something (no floating items); null turns the check off.",
    )
    objective: Literal["auto", "boxes", "cost"] = Field(
        default="auto",
        description="boxes: fewest boxes, then least box volume; cost: least shipping plus box "
        "cost (needs a pricing function); auto: cost when one is given.",
    )
    time_limit: float = Field(default=1.0, gt=0, le=600, description="Seconds, a cap.")
    seed: int = 0
    max_starts: int = Field(default=48, ge=1, le=100_000, description="Improvement restarts.")
    exact_check: bool = Field(
        default=True,
        description="Prove with CP-SAT whether up to 8 plain units fit one box when the "
        "heuristic finds no way; off trades a little packing quality for speed (batch plans).",
    )
    extra_fills: bool = Field(
        default=True,
        description="Also fill boxes with grid blocks of units repeated 4 or more times, and "
        "re-split all units into one box fewer; off trades packing quality for speed.",
    )


MAX_PACK_UNITS = 10_000  # units in one packing problem: the time limit holds up to here


def check_unit_count(quantities: list[int], what: str = "units") -> None:
    """A ValueError when the total is over :data:`MAX_PACK_UNITS`."""
    total = sum(quantities)
    if total > MAX_PACK_UNITS:
        raise ValueError(
            f"{total} {what} in all is over the limit of {MAX_PACK_UNITS} in one request; "
            "split it into several"
        )


def twice(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({n for n in names if n in seen or seen.add(n)})  # type: ignore[func-returns-value]


class PackRequest(Frozen):
    items: list[Item] = Field(min_length=1, max_length=2000)
    boxes: list[BoxType] = Field(min_length=1, max_length=200)
    options: PackOptions = PackOptions()

    @model_validator(mode="after")
    def _unique_names(self) -> PackRequest:
        for what, names in (
            ("box names", [b.name for b in self.boxes]),
            ("item skus", [i.sku for i in self.items]),
        ):
            dup = twice(names)
            if dup:
                raise ValueError(f"{what} must be unique: {', '.join(dup)}")
        check_unit_count([i.quantity for i in self.items], "item units")
        return self


class Placement(Frozen):
    sku: str
    unit: int = Field(description="Which unit of the line (0-based).")
    x: Length
    y: Length
    z: Length
    length: Length = Field(description="Extent along x after rotation.")
    width: Length = Field(description="Extent along y after rotation.")
    height: Length = Field(description="Extent along z after rotation.")


class PackedBox(Frozen):
    box: str = Field(description="Box type name, or OWN_PACKAGING for items that ship alone.")
    outer: Dimensions
    placements: list[Placement]
    gross_weight: Mass
    fill_rate: Decimal = Field(description="Item volume over inner volume, 4 places.")
    box_cost: Decimal
    shipping_cost: Decimal | None = None


class UnpackedReason(StrEnum):
    TOO_LARGE = "TOO_LARGE"
    TOO_HEAVY = "TOO_HEAVY"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    NOT_PLACED = "NOT_PLACED"


class UnpackedItem(Frozen):
    sku: str
    unit: int
    reason: UnpackedReason
    message: str


class PackResult(Frozen):
    boxes: list[PackedBox]
    unpacked: list[UnpackedItem]
    objective: Literal["boxes", "cost"]
    total_box_cost: Decimal
    total_shipping_cost: Decimal | None
    starts: int = Field(description="Constructive starts evaluated.")
    seconds: float
