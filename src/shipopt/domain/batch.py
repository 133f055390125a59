"""Batch-planning inputs: orders, the SKU catalog and warehouses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from shipopt.domain.address import Address
from shipopt.domain.base import Frozen, LocalTime
from shipopt.domain.packing import Orientation
from shipopt.domain.parcel import Dimensions, PositiveMass
from shipopt.units import Mass


class OrderLine(Frozen):
    sku: str = Field(min_length=1)
    quantity: int = Field(ge=1, le=10_000)


class Order(Frozen):
    id: str = Field(min_length=1)
    lines: list[OrderLine] = Field(
        min_length=1, description="Lines naming the same SKU are one line: their sum."
    )
    destination: Address
    deliver_by: date | None = None
    service_level: Literal["standard", "expedited", "overnight"] = "standard"
    ordered_at: datetime | None = Field(
        default=None,
        description="With a UTC offset, or without one: the shipping warehouse's local time.",
    )

    @field_validator("lines")
    @classmethod
    def _one_line_per_sku(cls, lines: list[OrderLine]) -> list[OrderLine]:
        qty: dict[str, int] = {}
        for ln in lines:
            qty[ln.sku] = qty.get(ln.sku, 0) + ln.quantity
        if len(qty) == len(lines):
            return lines
        return [OrderLine(sku=sku, quantity=q) for sku, q in qty.items()]

    def arrival_key(self) -> tuple[datetime, str]:
        """First come, first served: the order time (one with an offset compared in UTC, a
        naive one as written), orders without one first; then the id."""
        t = self.ordered_at
        if t is None:
            return datetime.min, self.id
        if t.tzinfo is not None:
            t = t.astimezone(UTC).replace(tzinfo=None)
        return t, self.id


class Sku(Frozen):
    sku: str = Field(min_length=1)
    dimensions: Dimensions
    weight: PositiveMass
    orientation: Orientation = "any"
    fragile: bool = False
    ships_alone: bool = False


class Fleet(Frozen):
    """Own vans at a warehouse: orders within ``radius_miles`` may go by van when that pays."""

    vans: int = Field(ge=0, le=500)
    radius_miles: float = Field(default=40, gt=0, le=300)
    capacity_weight: PositiveMass = Field(default_factory=lambda: Mass.parse("1500 lb"))
    capacity_parcels: int = Field(default=150, ge=1)
    fixed_cost: Decimal = Field(default=Decimal("40.00"), ge=0)
    cost_per_km: Decimal = Field(default=Decimal("0.55"), ge=0)
    cost_per_hour: Decimal = Field(default=Decimal("30.00"), ge=0)
    shift_start: LocalTime = time(9, 0)
    shift_end: LocalTime = time(17, 0)
    service_minutes: Decimal = Field(default=Decimal(4), ge=0)


class Warehouse(Frozen):
    id: str = Field(min_length=1)
    postal_code: str
    inventory: dict[str, int] = Field(description="Units on hand per SKU.")
    cutoff: LocalTime = time(17, 0)
    fleet: Fleet | None = None
