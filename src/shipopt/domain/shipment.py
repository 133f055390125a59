"""Shipments."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shipopt.domain.address import Address
from shipopt.domain.base import Frozen
from shipopt.domain.parcel import Parcel


class Accessorials(Frozen):
    """Extra services asked for on a freight shipment."""

    liftgate: bool = False
    inside_delivery: bool = False
    limited_access: bool = False
    appointment: bool = False


class Shipment(Frozen):
    origin: Address
    destination: Address
    parcels: list[Parcel] = Field(min_length=1, max_length=500)
    ship_at: datetime | None = Field(
        default=None,
        description="When the order is ready (ISO 8601). Without an offset it is the origin's "
        "local time; omitted means now.",
    )
    handling_days: int = Field(default=0, ge=0, le=30)
    accessorials: Accessorials = Accessorials()
