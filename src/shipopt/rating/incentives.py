"""A carrier agreement's incentives on one service, in integers, and the net price lines.

The net price of a parcel: the list base rate less its incentive (by billable weight band and
zone), never below the minimum net charge (nor raised above the list base by it); each
surcharge less its incentive; fuel at the service's percentage of the net lines it applies to,
less the fuel incentive. Every incentive is ``round_half_up(charge * percent)`` to the cent,
taken on the sum of a charge's lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shipopt.ratetables.compiled import PriceGrid, Service
from shipopt.ratetables.contract import IncentivesFile
from shipopt.units import div_round_half_up

OPEN = 2**62
Lines = tuple[tuple[str, int], ...]
Notes = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class BaseBand:
    weight_min_ng: int
    weight_max_ng: int  # inclusive; OPEN: no upper end
    zones: frozenset[int] | None  # None: every zone
    ppm: int
    residential: bool | None = None  # None: any destination

    def matches(self, billable_ng: int, zone: int, residential: bool) -> bool:
        return (
            self.weight_min_ng <= billable_ng <= self.weight_max_ng
            and (self.zones is None or zone in self.zones)
            and (self.residential is None or self.residential == residential)
        )


@dataclass(frozen=True, slots=True)
class Incentives:
    """One agreement's incentives on one service."""

    name: str
    bands: tuple[BaseBand, ...]
    surcharge_ppm: dict[str, int]  # charge code (or "fuel") -> millionths off
    minimum_net: int  # cents; -1: no floor

    def base_ppm(self, billable_ng: int, zone: int, residential: bool) -> int:
        return next((b.ppm for b in self.bands if b.matches(billable_ng, zone, residential)), 0)


def _percent(ppm: int) -> str:
    return f"{Decimal(ppm).scaleb(-4).normalize():f}%"


def compile_incentives(service: Service, contract: IncentivesFile) -> Incentives:
    """The agreement's rules that name ``service``, with its tier and minimum resolved."""
    sid = service.spec.service
    bands = tuple(
        BaseBand(
            rule.weight_min.ng if rule.weight_min else 0,
            rule.weight_max.ng if rule.weight_max else OPEN,
            frozenset(rule.zones) if rule.zones is not None else None,
            contract.percent_for(rule),
            None if rule.destination == "any" else rule.destination == "residential",
        )
        for rule in contract.transportation
        if sid in rule.services
    )
    surcharge: dict[str, int] = {
        s.charge: s.percent for s in contract.surcharges if s.services is None or sid in s.services
    }
    carrier_min = service.spec.minimum_charge
    floor = carrier_min if carrier_min else -1
    rule = next((m for m in contract.minimum if sid in m.services), None)
    if rule is not None:
        start = rule.minimum if rule.minimum is not None else carrier_min or _first_price(service)
        if rule.reduce_by_amount is not None:
            floor = max(start - rule.reduce_by_amount, 0)
        elif rule.reduce_by_percent is not None:
            floor = start - div_round_half_up(start * rule.reduce_by_percent, 1_000_000)
        else:
            floor = start
    return Incentives(contract.name, bands, surcharge, floor)


def _first_price(service: Service) -> int:
    grid: PriceGrid | None = service.grid
    if grid is None or not grid.prices:
        return 0
    return grid.prices[min(grid.prices)][0]


def net_lines(
    inc: Incentives,
    list_lines: Lines,
    billable_ng: int,
    zone: int,
    residential: bool,
    fuel_ppm: int,
    fuel_codes: frozenset[str],
) -> tuple[Lines, Notes]:
    """The net lines (each charge, then what its incentive takes off) and their descriptions;
    ``list_lines`` are the list price's lines, fuel (if any) last."""
    sums: dict[str, int] = {}
    for code, cents in list_lines:
        if code != "fuel":
            sums[code] = sums.get(code, 0) + cents
    lines: list[tuple[str, int]] = []
    notes: list[tuple[str, str]] = []
    net_by_code: dict[str, int] = {}
    for code, cents in sums.items():
        lines.append((code, cents))
        ppm = (
            inc.base_ppm(billable_ng, zone, residential)
            if code == "base"
            else inc.surcharge_ppm.get(code, 0)
        )
        off = div_round_half_up(cents * ppm, 1_000_000)
        if off:
            lines.append((f"incentive_{code}", -off))
            notes.append((f"incentive_{code}", f"{_percent(ppm)} off, {inc.name}"))
        net = cents - off
        if code == "base" and inc.minimum_net >= 0 and net < min(inc.minimum_net, cents):
            lines.append(("minimum_net", min(inc.minimum_net, cents) - net))
            net = min(inc.minimum_net, cents)
        net_by_code[code] = net
    if fuel_ppm:
        fuel_base = sum(v for k, v in net_by_code.items() if k in fuel_codes)
        fuel = div_round_half_up(fuel_base * fuel_ppm, 1_000_000)
        if fuel:
            lines.append(("fuel", fuel))
            ppm = inc.surcharge_ppm.get("fuel", 0)
            off = div_round_half_up(fuel * ppm, 1_000_000)
            if off:
                lines.append(("incentive_fuel", -off))
                notes.append(("incentive_fuel", f"{_percent(ppm)} off, {inc.name}"))
    return tuple(lines), tuple(notes)
