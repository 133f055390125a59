"""A parcel service's rules flattened to integers, shared by the scalar and numpy raters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shipopt.ratetables.compiled import DeliveryAreaRule, PriceGrid, Service
from shipopt.ratetables.contract import IncentivesFile
from shipopt.ratetables.schema import (
    AdditionalHandling,
    LargePackage,
    NonstandardLength,
    NonstandardVolume,
    Peak,
    Residential,
)
from shipopt.rating.incentives import Incentives, compile_incentives
from shipopt.units import NG_PER, NM_PER

NONE = -1  # "no such rule" for optional integer thresholds
# Weights are held to the nearest nanogram, so "0.5 oz" is 14,174,761,563 ng and four of them are
# 2 ng over "2 oz". Billable weights are therefore compared with a tolerance of one milligram: a
# weight within 1 mg above a multiple of the increment bills at that multiple, and a billable weight
# within 1 mg of a grid break is that break.
WEIGHT_TOLERANCE_NG = 1_000_000


@dataclass(frozen=True, slots=True)
class LengthTier:
    amount: int
    over_nm: int
    up_to_nm: int  # NONE: no upper end


@dataclass(frozen=True, slots=True)
class ParcelRules:
    """Everything needed to price one parcel on one service, in integer units.

    Lengths are compared in nanometres after each side is rounded to a whole ``unit_nm``;
    weights in nanograms; money in cents; percentages in millionths.
    """

    key: str
    unit_nm: int
    round_up: bool
    max_weight_ng: int
    max_length_nm: int
    max_size_nm: int
    dim_divisor: int  # 0: no dimensional weight
    dim_min_volume: int  # in cubic dims units
    weight_unit_ng: int
    increment_ng: int
    min_billable_ng: int
    grid: PriceGrid
    letter_max_ng: int
    minimum_charge: int
    residential: int  # NONE: no surcharge
    delivery_areas: tuple[DeliveryAreaRule, ...]
    ah_amount: int  # NONE: no additional-handling rule
    ah_weight_amount: int
    ah_longest_nm: int
    ah_second_nm: int
    ah_size_nm: int
    ah_weight_ng: int
    lp_amount: int  # NONE: no large-package rule
    lp_size_nm: int
    lp_length_nm: int
    lp_weight_ng: int
    lp_min_billable_ng: int
    length_tiers: tuple[LengthTier, ...]
    volume_amount: int  # NONE: no volume rule
    volume_over_units3: Decimal
    peaks: tuple[Peak, ...]
    fuel_ppm: int
    fuel_codes: frozenset[str]
    fuel_schedule: tuple[tuple[date, int], ...] = ()
    contracts: tuple[tuple[IncentivesFile, Incentives], ...] = ()

    def fuel_on(self, day: date) -> int:
        """The fuel percentage (millionths) in force on ``day``."""
        ppm = self.fuel_ppm
        for start, scheduled in self.fuel_schedule:
            if start > day:
                break
            ppm = scheduled
        return ppm

    def incentives_on(self, day: date) -> Incentives | None:
        """The incentives of the agreement in force on ``day``, if any."""
        for contract, incentives in self.contracts:
            if contract.in_force(day):
                return incentives
        return None

    def peak_amounts(self, day: date) -> dict[str, int]:
        out: dict[str, int] = {}
        for peak in self.peaks:
            if peak.start <= day <= peak.end:
                for code, cents in peak.amounts.items():
                    out[code] = out.get(code, 0) + cents
        return out


def _opt(value: object, attr: str) -> int:
    if value is None:
        return NONE
    return int(getattr(value, attr))


def build_parcel_rules(service: Service) -> ParcelRules:
    spec = service.spec
    assert spec.mode == "parcel" and service.grid is not None
    w = spec.weights
    unit_nm = NM_PER[w.dims_unit]
    ah = next((s for s in spec.surcharges if isinstance(s, AdditionalHandling)), None)
    lp = next((s for s in spec.surcharges if isinstance(s, LargePackage)), None)
    res = next((s for s in spec.surcharges if isinstance(s, Residential)), None)
    vol = next((s for s in spec.surcharges if isinstance(s, NonstandardVolume)), None)
    tiers = tuple(
        LengthTier(s.amount, s.length_over.nm, _opt(s.length_up_to, "nm"))
        for s in spec.surcharges
        if isinstance(s, NonstandardLength)
    )
    units_per_ft = Decimal(NM_PER["ft"]) / unit_nm
    return ParcelRules(
        key=service.key,
        unit_nm=unit_nm,
        round_up=w.dims_rounding == "up",
        max_weight_ng=spec.limits.max_weight.ng,
        max_length_nm=_opt(spec.limits.max_length, "nm"),
        max_size_nm=_opt(spec.limits.max_length_plus_girth, "nm"),
        dim_divisor=w.dim_divisor or 0,
        dim_min_volume=w.dim_min_volume,
        weight_unit_ng=NG_PER[w.unit],
        increment_ng=w.round_up_to.ng,
        min_billable_ng=w.min_billable.ng if w.min_billable else 0,
        grid=service.grid,
        letter_max_ng=spec.grid.letter_max_weight.ng if spec.grid else 0,
        minimum_charge=spec.minimum_charge,
        residential=res.amount if res else NONE,
        delivery_areas=service.delivery_areas,
        ah_amount=ah.amount if ah else NONE,
        ah_weight_amount=(ah.weight_amount if ah.weight_amount is not None else ah.amount)
        if ah
        else NONE,
        ah_longest_nm=_opt(ah.longest_side_over, "nm") if ah else NONE,
        ah_second_nm=_opt(ah.second_side_over, "nm") if ah else NONE,
        ah_size_nm=_opt(ah.length_plus_girth_over, "nm") if ah else NONE,
        ah_weight_ng=_opt(ah.weight_over, "ng") if ah else NONE,
        lp_amount=lp.amount if lp else NONE,
        lp_size_nm=_opt(lp.length_plus_girth_over, "nm") if lp else NONE,
        lp_length_nm=_opt(lp.length_over, "nm") if lp else NONE,
        lp_weight_ng=_opt(lp.weight_over, "ng") if lp else NONE,
        lp_min_billable_ng=_opt(lp.min_billable_weight, "ng") if lp else NONE,
        length_tiers=tiers,
        volume_amount=vol.amount if vol else NONE,
        volume_over_units3=(vol.volume_over_cubic_ft * units_per_ft**3) if vol else Decimal(0),
        peaks=tuple(s for s in spec.surcharges if isinstance(s, Peak)),
        fuel_ppm=spec.fuel.percent,
        fuel_codes=spec.fuel.codes(spec.mode),
        fuel_schedule=tuple((p.effective_from, p.percent) for p in spec.fuel.schedule),
        contracts=tuple((c, compile_incentives(service, c)) for c in service.incentives),
    )


class ParcelRuleBook:
    """Every parcel service version's rules, built once; ``book(service)`` answers."""

    def __init__(self, services: Iterable[Service]) -> None:
        self._rules = {id(s): build_parcel_rules(s) for s in services if s.spec.mode == "parcel"}

    def __call__(self, service: Service) -> ParcelRules:
        return self._rules[id(service)]
