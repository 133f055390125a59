"""Price one parcel on one parcel service (scalar path, integer arithmetic)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from shipopt.domain.quote import Reason
from shipopt.ratetables.compiled import NOT_OFFERED
from shipopt.rating.incentives import net_lines
from shipopt.rating.parcel_rules import NONE, WEIGHT_TOLERANCE_NG, ParcelRules
from shipopt.units import div_ceil, div_round_half_up

DESCRIPTIONS = {
    "base": "Base rate",
    "residential": "Residential delivery",
    "delivery_area": "Delivery area surcharge",
    "additional_handling": "Additional handling",
    "large_package": "Large package",
    "nonstandard_length": "Nonstandard length",
    "nonstandard_volume": "Nonstandard volume",
    "peak": "Peak surcharge",
    "fuel": "Fuel surcharge",
    "minimum_net": "Minimum net charge adjustment",
    "linehaul": "Linehaul",
    "accessorials": "Accessorials",
}


@dataclass(frozen=True, slots=True)
class ParcelPrice:
    """Net charge lines in cents, in order (incentive lines negative); ``billable_ng`` is the
    rounded billable weight; ``list_lines`` the list price's lines when an agreement changed
    them (else the list price is the net one); ``notes`` describe the incentive lines."""

    lines: tuple[tuple[str, int], ...]
    billable_ng: int
    list_lines: tuple[tuple[str, int], ...] | None = None
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> int:
        return sum(c for _, c in self.lines)

    @property
    def list_total(self) -> int:
        return sum(c for _, c in self.list_lines) if self.list_lines is not None else self.total


@dataclass(frozen=True, slots=True)
class NotCarried:
    reason: Reason
    message: str


def rounded_sides(rules: ParcelRules, sides_nm: tuple[int, int, int]) -> tuple[int, int, int]:
    """Each side rounded to a whole dims unit (nearest, half-up, or up), longest first."""
    unit = rules.unit_nm
    if rules.round_up:
        a, b, c = (div_ceil(s, unit) for s in sides_nm)
    else:
        a, b, c = (div_round_half_up(s, unit) for s in sides_nm)
    x, y, z = sorted((a, b, c), reverse=True)
    return x, y, z


def billable_weight_ng(rules: ParcelRules, sides: tuple[int, int, int], weight_ng: int) -> int:
    """max(actual, dimensional), rounded up to the service's increment (exact integers, with the
    one-milligram tolerance of :data:`WEIGHT_TOLERANCE_NG`)."""
    inc = rules.increment_ng
    volume = sides[0] * sides[1] * sides[2]
    if rules.dim_divisor and volume > rules.dim_min_volume:
        # ceil(max(w, V * unit / divisor) / inc), kept in integers by scaling with divisor
        num = max(weight_ng * rules.dim_divisor, volume * rules.weight_unit_ng)
        incs = div_ceil(num - WEIGHT_TOLERANCE_NG * rules.dim_divisor, rules.dim_divisor * inc)
    else:
        incs = div_ceil(weight_ng - WEIGHT_TOLERANCE_NG, inc)
    return max(max(incs, 1) * inc, rules.min_billable_ng)


def grid_price(rules: ParcelRules, prices: tuple[int, ...], billable: int, zone: int) -> int | None:
    """The base price of ``billable`` in one zone: the first break at or above it (within the
    tolerance), else the last break plus each additional unit; None beyond a grid without one,
    NOT_OFFERED where the grid says "-"."""
    grid = rules.grid
    i = bisect_left(grid.breaks_ng, billable - WEIGHT_TOLERANCE_NG)
    if i < len(prices):
        return prices[i]
    if grid.extra_unit_ng is None:
        return None
    if prices[-1] < 0 or grid.extra_price[zone] < 0:
        return NOT_OFFERED
    units = div_ceil(billable - grid.breaks_ng[-1] - WEIGHT_TOLERANCE_NG, grid.extra_unit_ng)
    return prices[-1] + div_round_half_up(units * grid.extra_price[zone], 100)


def snapped(rules: ParcelRules, billable: int) -> int:
    """The billable weight as reported: a grid break when it is within the tolerance of one."""
    breaks = rules.grid.breaks_ng
    i = bisect_left(breaks, billable - WEIGHT_TOLERANCE_NG)
    return (
        breaks[i] if i < len(breaks) and breaks[i] - billable <= WEIGHT_TOLERANCE_NG else billable
    )


def price_parcel(
    rules: ParcelRules,
    sides_nm: tuple[int, int, int],
    weight_ng: int,
    zone: int,
    residential: bool,
    dest_zip5: str,
    ship_date: date,
    envelope: bool = False,
) -> ParcelPrice | NotCarried:
    """Price one parcel. ``sides_nm`` in any order; ``zone`` after the service's floor; an
    ``envelope`` within the letter weight takes the grid's letter price where it has one."""
    sides = rounded_sides(rules, sides_nm)
    unit = rules.unit_nm
    length_nm = sides[0] * unit
    size_nm = (sides[0] + 2 * sides[1] + 2 * sides[2]) * unit
    if weight_ng > rules.max_weight_ng:
        return NotCarried(Reason.OVER_MAX_WEIGHT, "heavier than the service's maximum weight")
    if rules.max_length_nm != NONE and length_nm > rules.max_length_nm:
        return NotCarried(Reason.OVER_MAX_LENGTH, "longer than the service's maximum length")
    if rules.max_size_nm != NONE and size_nm > rules.max_size_nm:
        return NotCarried(Reason.OVER_MAX_SIZE, "length plus girth over the service's maximum")
    prices = rules.grid.prices.get(zone)
    if prices is None:
        return NotCarried(Reason.ZONE_NOT_PRICED, f"zone {zone} is not priced by this service")

    billable = billable_weight_ng(rules, sides, weight_ng)
    large = rules.lp_amount != NONE and (
        (rules.lp_size_nm != NONE and size_nm > rules.lp_size_nm)
        or (rules.lp_length_nm != NONE and length_nm > rules.lp_length_nm)
        or (rules.lp_weight_ng != NONE and weight_ng > rules.lp_weight_ng)
    )
    if large and rules.lp_min_billable_ng != NONE:
        billable = max(billable, rules.lp_min_billable_ng)

    base = grid_price(rules, prices, billable, zone)
    if base is None:
        return NotCarried(Reason.OVER_MAX_WEIGHT, "billable weight beyond the last priced weight")
    letter = rules.grid.letter
    if envelope and letter and letter.get(zone, -1) >= 0 and weight_ng <= rules.letter_max_ng:
        base = letter[zone]
    if base < 0:
        return NotCarried(Reason.ZONE_NOT_PRICED, f"not offered at this weight in zone {zone}")
    lines: list[tuple[str, int]] = [("base", max(base, rules.minimum_charge))]

    if residential and rules.residential != NONE:
        lines.append(("residential", rules.residential))
    das = 0
    for area in rules.delivery_areas:
        if area.applies(dest_zip5):
            das = max(das, area.residential_amount if residential else area.amount)
    if das:
        lines.append(("delivery_area", das))
    if large:
        lines.append(("large_package", rules.lp_amount))
    elif rules.ah_amount != NONE:
        ah = 0
        if (
            (rules.ah_longest_nm != NONE and length_nm > rules.ah_longest_nm)
            or (rules.ah_second_nm != NONE and sides[1] * unit > rules.ah_second_nm)
            or (rules.ah_size_nm != NONE and size_nm > rules.ah_size_nm)
        ):
            ah = rules.ah_amount
        if rules.ah_weight_ng != NONE and weight_ng > rules.ah_weight_ng:
            ah = max(ah, rules.ah_weight_amount)
        if ah:
            lines.append(("additional_handling", ah))
    for tier in rules.length_tiers:
        if length_nm > tier.over_nm and (tier.up_to_nm == NONE or length_nm <= tier.up_to_nm):
            lines.append(("nonstandard_length", tier.amount))
    if rules.volume_amount != NONE and sides[0] * sides[1] * sides[2] > rules.volume_over_units3:
        lines.append(("nonstandard_volume", rules.volume_amount))
    if rules.peaks:
        present = {code for code, cents in lines if cents > 0}
        for code, cents in sorted(rules.peak_amounts(ship_date).items()):
            if code in present:
                lines.append(("peak", cents))
    fuel_ppm = rules.fuel_on(ship_date)
    if fuel_ppm:
        fuel_base = sum(c for code, c in lines if code in rules.fuel_codes)
        fuel = div_round_half_up(fuel_base * fuel_ppm, 1_000_000)
        if fuel:
            lines.append(("fuel", fuel))
    reported = snapped(rules, billable)
    incentives = rules.incentives_on(ship_date) if rules.contracts else None
    if incentives is None:
        return ParcelPrice(tuple(lines), reported)
    net, notes = net_lines(
        incentives, tuple(lines), reported, zone, residential, fuel_ppm, rules.fuel_codes
    )
    return ParcelPrice(net, reported, tuple(lines), notes)
