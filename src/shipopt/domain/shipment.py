"""Shipments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from shipopt.domain.address import Address
from shipopt.domain.base import Frozen
from shipopt.domain.packing import BoxType, Item, PackOptions, check_unit_count
from shipopt.domain.parcel import Parcel

FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2199, 12, 31)


def _plausible(value: datetime) -> datetime:
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        raise ValueError(f"must be between {FIRST_DAY} and {LAST_DAY}")
    return value


ShipTime = Annotated[datetime, AfterValidator(_plausible)]
"""A ready time within the years a calendar can count forward from (1970-2199)."""


# measured with benchmarks/bench_quote_items.py: p95 about 50 ms on baskets of 1-30 units,
# 2.7% dearer in total than 48 restarts with the exact test (p95 505 ms)
QUOTE_PACKING = PackOptions(time_limit=0.2, max_starts=2, exact_check=False)


class Accessorials(Frozen):
    """Extra services asked for on a freight shipment."""

    liftgate: bool = False
    inside_delivery: bool = False
    limited_access: bool = False
    appointment: bool = False


class Shipment(Frozen):
    origin: Address
    destination: Address
    parcels: list[Parcel] = Field(default=[], max_length=500)
    items: list[Item] = Field(
        default=[], max_length=2000, description="Instead of parcels: packed first."
    )
    boxes: list[BoxType] = Field(
        default=[], max_length=200, description="The box catalog for items."
    )
    pack_options: PackOptions = Field(
        default=QUOTE_PACKING,
        description="The packing budget of a quote with items; by default a small one (2 "
        "restarts, no CP-SAT proof, 0.2 s cap) that keeps the quote in milliseconds.",
    )
    ship_at: ShipTime | None = Field(
        default=None,
        description="When the order is ready (ISO 8601). Without an offset it is the origin's "
        "local time; omitted means now.",
    )
    handling_days: int = Field(default=0, ge=0, le=30)
    accessorials: Accessorials = Accessorials()

    @model_validator(mode="after")
    def _parcels_or_items(self) -> Shipment:
        if bool(self.parcels) == bool(self.items):
            raise ValueError("give either parcels or items (with boxes), not both and not neither")
        if self.items and not self.boxes:
            raise ValueError("items need a box catalog (boxes)")
        check_unit_count([i.quantity for i in self.items], "item units")
        return self
