"""Batch-planning inputs: orders, the SKU catalog and warehouses."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Literal

from pydantic import Field

from shipopt.domain.address import Address
from shipopt.domain.base import Frozen
from shipopt.domain.packing import Orientation
from shipopt.domain.parcel import Dimensions, PositiveMass


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


class Warehouse(Frozen):
    id: str = Field(min_length=1)
    postal_code: str
    inventory: dict[str, int] = Field(description="Units on hand per SKU.")
    cutoff: time = time(17, 0)
