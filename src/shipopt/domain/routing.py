"""Routing requests and results: the own fleet's depots, vehicle types and stops."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from shipopt.domain.address import Coordinates
from shipopt.domain.base import Frozen, LocalTime
from shipopt.units import Length, Mass


class Place(Frozen):
    """Where a depot or stop is: coordinates, or a US ZIP (its point), or only a matrix id."""

    coordinates: Coordinates | None = None
    postal_code: str | None = None


class TimeWindow(Frozen):
    start: LocalTime
    end: LocalTime

    @model_validator(mode="after")
    def _ordered(self) -> TimeWindow:
        if self.end < self.start:
            raise ValueError(f"time window ends ({self.end}) before it starts ({self.start})")
        return self


class Depot(Frozen):
    id: str = Field(min_length=1)
    place: Place = Place()


class VehicleType(Frozen):
    id: str = Field(min_length=1)
    count: int = Field(ge=0, le=1000)
    depot: str = Field(description="Start depot id.")
    end_depot: str | None = Field(
        default=None, description="End depot id (default: the start depot)."
    )
    capacity_weight: Mass | None = None
    capacity_volume_liters: Decimal | None = Field(default=None, ge=0)
    capacity_parcels: int | None = Field(default=None, ge=0)
    fixed_cost: Decimal = Field(default=Decimal(0), ge=0)
    cost_per_km: Decimal = Field(default=Decimal("0.60"), ge=0)
    cost_per_hour: Decimal = Field(default=Decimal("30.00"), ge=0)
    shift_start: LocalTime = time(8, 0)
    shift_end: LocalTime = time(18, 0)
    max_duration_minutes: int | None = Field(default=None, gt=0)
    max_distance: Length | None = None

    @model_validator(mode="after")
    def _shift(self) -> VehicleType:
        if self.shift_end <= self.shift_start:
            raise ValueError("shift_end must be after shift_start")
        return self


class Stop(Frozen):
    id: str = Field(min_length=1)
    place: Place = Place()
    weight: Mass = Field(default=Mass(0), json_schema_extra={"default": "0 g"})
    volume_liters: Decimal = Field(default=Decimal(0), ge=0)
    parcels: int = Field(default=1, ge=0)
    service_minutes: Decimal = Field(default=Decimal(5), ge=0)
    time_windows: list[TimeWindow] = Field(default=[], description="Empty: any time in the shift.")
    drop_penalty: Decimal | None = Field(
        default=None, ge=0, description="Cost of leaving the stop to a carrier; omit to require it."
    )
    picked_up_at: str | None = Field(
        default=None,
        description="Id of the stop where this stop's goods are collected (a pickup-and-delivery "
        "pair, OR-Tools backend); that stop's demand fields are ignored.",
    )


MAX_MATRIX_VALUE = 100_000  # km or minutes: beyond any road trip, and small for the solvers


class Matrix(Frozen):
    """Distances and travel times between ids (depots and stops), instead of coordinates."""

    ids: list[str] = Field(min_length=2)
    distances_km: list[list[Decimal]]
    durations_minutes: list[list[Decimal]]

    @model_validator(mode="after")
    def _square(self) -> Matrix:
        n = len(self.ids)
        for name, m in (
            ("distances_km", self.distances_km),
            ("durations_minutes", self.durations_minutes),
        ):
            if len(m) != n or any(len(row) != n for row in m):
                raise ValueError(f"{name} must be {n} x {n}, like ids")
            if any(v < 0 for row in m for v in row):
                raise ValueError(f"{name} must not be negative")
            if any(not v.is_finite() or v > MAX_MATRIX_VALUE for row in m for v in row):
                raise ValueError(f"{name} values must be finite and at most {MAX_MATRIX_VALUE}")
        return self


class RoutingRequest(Frozen):
    depots: list[Depot] = Field(min_length=1, max_length=50)
    vehicle_types: list[VehicleType] = Field(min_length=1, max_length=50)
    stops: list[Stop] = Field(min_length=1, max_length=5000)
    matrix: Matrix | None = None
    circuity: Decimal = Field(
        default=Decimal("1.3"), ge=1, le=3, description="Road / great-circle."
    )
    speed_kmh: Decimal = Field(default=Decimal(40), gt=0, le=150)
    solver: Literal["ortools", "pyvrp", "auto", "savings", "nearest"] = "auto"
    time_limit: float = Field(default=5.0, gt=0, le=3600)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class StopVisit(Frozen):
    stop: str
    arrival: time
    service_start: time
    departure: time


class PlannedRoute(Frozen):
    vehicle_type: str
    depot: str
    visits: list[StopVisit]
    departure: time
    return_time: time
    distance_km: Decimal
    duration_minutes: Decimal
    cost: Decimal
    load_weight: Mass
    load_parcels: int


class DroppedStop(Frozen):
    stop: str
    reason: str
    penalty: Decimal | None


class RoutingResult(Frozen):
    routes: list[PlannedRoute]
    dropped: list[DroppedStop]
    total_cost: Decimal = Field(description="Routes plus the drop penalties of dropped stops.")
    total_distance_km: Decimal
    vehicles_used: int
    solver: str
    feasible: bool
    violations: list[str]
    note: str = ""
