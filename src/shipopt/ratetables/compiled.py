"""Loaded services in the integer form that rating uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from shipopt.ratetables.contract import IncentivesFile, MarkupFile
from shipopt.ratetables.schema import ServiceFile


@dataclass(frozen=True, slots=True)
class PriceGrid:
    """Prices by zone and weight break. A weight is priced at the first break at or above it."""

    unit: str
    breaks_ng: tuple[int, ...]
    prices: dict[int, tuple[int, ...]]  # zone -> cents per break
    extra_unit_ng: int | None = None  # "per additional unit" beyond the last break
    extra_price: dict[int, int] = field(default_factory=dict)  # zone -> hundredths of a cent


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
    zone_chart: dict[tuple[str, str], int] | None
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
