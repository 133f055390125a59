"""Batch-planning inputs: orders, the SKU catalog and warehouses."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal

from pydantic import Field

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
    lines: list[OrderLine] = Field(min_length=1)
    destination: Address
    deliver_by: date | None = None
    service_level: Literal["standard", "expedited", "overnight"] = "standard"
    ordered_at: datetime | None = None


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
