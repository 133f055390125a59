"""Loaded services in the integer form that rating uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from shipopt.ratetables.contract import IncentivesFile, MarkupFile
from shipopt.ratetables.schema import ServiceFile

NOT_OFFERED = -1  # a grid cell "-": the service does not offer that weight in that zone
NOT_SERVED_ZONE = -2  # a zone chart's "-": the service does not serve that lane


@dataclass(frozen=True, slots=True)
class PriceGrid:
    """Prices by zone and weight break. A weight is priced at the first break at or above it."""

    unit: str
    breaks_ng: tuple[int, ...]
    prices: dict[int, tuple[int, ...]]  # zone -> cents per break; NOT_OFFERED where "-"
    extra_unit_ng: int | None = None  # "per additional unit" beyond the last break
    extra_price: dict[int, int] = field(default_factory=dict)  # zone -> hundredths of a cent
    letter: dict[int, int] | None = None  # zone -> cents for an envelope (the "letter" row)


@dataclass(frozen=True, slots=True, eq=False)
class ZoneChart:
    """Zones by origin and destination ZIP3: ``matrix[o, d]``, -1 where the chart has no row
    (the bands decide), NOT_SERVED_ZONE where it says the lane is not served."""

    matrix: np.ndarray  # (1000, 1000) int64

    @classmethod
    def empty(cls) -> ZoneChart:
        return cls(np.full((1000, 1000), -1, dtype=np.int64))

    def get(self, origin3: str, dest3: str) -> int | None:
        zone = int(self.matrix[int(origin3), int(dest3)])
        return None if zone == -1 else zone


@dataclass(frozen=True, slots=True)
class DeliveryAreaRule:
    name: str
    amount: int
    residential_amount: int
    zips: frozenset[str]
    prefixes: tuple[str, ...]

    def applies(self, zip5: str) -> bool:
        return zip5 in self.zips or zip5.startswith(self.prefixes)


@dataclass(frozen=True, slots=True)
class LtlGrid:
    """LTL prices in cents per hundredweight by (zone, freight class) and weight break (lb)."""

    breaks_lb: tuple[int, ...]
    cwt_cents: dict[tuple[int, str], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Service:
    """One service version, ready to rate."""

    spec: ServiceFile
    source: Path
    grid: PriceGrid | None
    zone_chart: ZoneChart | None
    delivery_areas: tuple[DeliveryAreaRule, ...]
    ltl_grid: LtlGrid | None
    incentives: tuple[IncentivesFile, ...] = ()  # the carrier's agreements, by date
    markups: tuple[MarkupFile, ...] = ()  # the checkout markups, by date

    @property
    def key(self) -> str:
        return f"{self.spec.carrier}/{self.spec.service}"

    def incentives_on(self, day: date) -> IncentivesFile | None:
        return next((c for c in self.incentives if c.in_force(day)), None)

    def markup_on(self, day: date) -> MarkupFile | None:
        return next((m for m in self.markups if m.in_force(day)), None)
