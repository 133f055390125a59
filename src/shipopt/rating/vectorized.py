"""Price many parcels on one parcel service at once (numpy, int64, the scalar path's formulas).

Lengths arrive as whole nanometres, weights as whole nanograms, money leaves as cents; every
step mirrors :func:`shipopt.rating.parcel_rate.price_parcel`, so both paths agree to the cent.
A side is clipped at 100,000 dims units (over 2.5 km) to keep int64 products exact; such a
parcel is over every real limit anyway.

``price_parcels`` is long (about 125 lines) on purpose: it is one array pass that follows
``price_parcel`` step by step, so the two can be read side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np

from shipopt.rating.incentives import Incentives
from shipopt.rating.parcel_rules import NONE, WEIGHT_TOLERANCE_NG, ParcelRules

Int = np.ndarray  # int64 arrays
MAX_SIDE_UNITS = 100_000
NOT_CARRIED = -1


@dataclass(frozen=True, slots=True)
class ParcelArrays:
    """Parcels column by column. ``dest_zip`` holds 5-digit ZIPs as integers."""

    sides_nm: Int  # (n, 3)
    weight_ng: Int  # (n,)
    residential: np.ndarray  # (n,) bool
    dest_zip: Int  # (n,)

    def __len__(self) -> int:
        return int(self.weight_ng.shape[0])


def _half_up(num: Int, den: int) -> Int:
    result: Int = (2 * num + den) // (2 * den)
    return result


def _ceil(num: Int, den: int) -> Int:
    result: Int = -((-num) // den)
    return result


def _prefix_mask(zips: Int, prefixes: tuple[str, ...], exact: frozenset[str]) -> np.ndarray:
    mask = np.zeros(zips.shape[0], dtype=bool)
    if exact:
        mask |= np.isin(zips, np.fromiter((int(z) for z in exact), dtype=np.int64))
    for prefix in prefixes:
        mask |= (zips // 10 ** (5 - len(prefix))) == int(prefix)
    return mask


@dataclass(frozen=True, slots=True)
class ParcelTotals:
    """Per parcel: the net and list totals in cents (``NOT_CARRIED`` where the service cannot
    carry it) and the billable weight in nanograms."""

    net: Int
    list: Int
    billable_ng: Int


def price_parcels(
    rules: ParcelRules, parcels: ParcelArrays, zones: Int, ship_date: date
) -> ParcelTotals:
    """Every parcel's totals on one service (see :class:`ParcelTotals`)."""
    n = len(parcels)
    unit = rules.unit_nm
    raw = parcels.sides_nm
    sides = _ceil(raw, unit) if rules.round_up else _half_up(raw, unit)
    sides = np.minimum(np.sort(sides, axis=1)[:, ::-1], MAX_SIDE_UNITS)
    a, b, c = sides[:, 0], sides[:, 1], sides[:, 2]
    weight = parcels.weight_ng
    length_nm = a * unit
    second_nm = b * unit
    size_nm = (a + 2 * b + 2 * c) * unit
    volume = a * b * c

    ok = weight <= rules.max_weight_ng
    if rules.max_length_nm != NONE:
        ok &= length_nm <= rules.max_length_nm
    if rules.max_size_nm != NONE:
        ok &= size_nm <= rules.max_size_nm

    grid = rules.grid
    zone_list = sorted(grid.prices)
    lookup = np.full(max(max(zone_list), int(zones.max(initial=0))) + 1, -1, dtype=np.int64)
    lookup[zone_list] = np.arange(len(zone_list))
    zone_col = lookup[np.clip(zones, 0, None)]
    ok &= (zones >= 0) & (zone_col >= 0)

    inc = rules.increment_ng
    tol = WEIGHT_TOLERANCE_NG
    billable_incs = _ceil(weight - tol, inc)
    if rules.dim_divisor:
        # ceil(V * unit / (div * inc) - tol / inc) = q + (r > floor(tol * b / inc)) where
        # V * a = q * b + r and a / b is unit / (div * inc) reduced: exact, and small in int64.
        ratio = Fraction(rules.weight_unit_ng, rules.dim_divisor * inc)
        q, r = np.divmod(volume * ratio.numerator, ratio.denominator)
        dim_incs = q + (r > (tol * ratio.denominator) // inc)
        billable_incs = np.where(
            volume > rules.dim_min_volume, np.maximum(billable_incs, dim_incs), billable_incs
        )
    billable = np.maximum(np.maximum(billable_incs, 1) * inc, rules.min_billable_ng)

    large = np.zeros(n, dtype=bool)
    if rules.lp_amount != NONE:
        if rules.lp_size_nm != NONE:
            large |= size_nm > rules.lp_size_nm
        if rules.lp_length_nm != NONE:
            large |= length_nm > rules.lp_length_nm
        if rules.lp_weight_ng != NONE:
            large |= weight > rules.lp_weight_ng
        if rules.lp_min_billable_ng != NONE:
            billable = np.where(large, np.maximum(billable, rules.lp_min_billable_ng), billable)

    table = np.array([grid.prices[z] for z in zone_list], dtype=np.int64)  # (zones, breaks)
    breaks = np.array(grid.breaks_ng, dtype=np.int64)
    idx = np.searchsorted(breaks, billable - tol, side="left")
    within = idx < breaks.shape[0]
    col = np.where(zone_col >= 0, zone_col, 0)
    near = breaks[np.minimum(idx, breaks.shape[0] - 1)]
    base = table[col, np.minimum(idx, breaks.shape[0] - 1)]
    if grid.extra_unit_ng is not None:
        extra = np.array([grid.extra_price[z] for z in zone_list], dtype=np.int64)[col]
        units = _ceil(np.maximum(billable - breaks[-1] - tol, 0), grid.extra_unit_ng)
        ok &= within | ((table[col, -1] >= 0) & (extra >= 0))
        base = np.where(within, base, table[col, -1] + _half_up(units * extra, 100))
    else:
        ok &= within
    ok &= ~within | (base >= 0)  # a "-" cell: not offered
    base = np.maximum(base, rules.minimum_charge)

    residential = parcels.residential
    zero = np.zeros(n, dtype=np.int64)
    res = np.where(residential, rules.residential, 0) if rules.residential != NONE else zero
    das = zero
    for area in rules.delivery_areas:
        hit = _prefix_mask(parcels.dest_zip, area.prefixes, area.zips)
        amount = np.where(residential, area.residential_amount, area.amount)
        das = np.maximum(das, np.where(hit, amount, 0))
    lp = np.where(large, rules.lp_amount, 0) if rules.lp_amount != NONE else zero
    ah = zero
    if rules.ah_amount != NONE:
        dims_hit = np.zeros(n, dtype=bool)
        if rules.ah_longest_nm != NONE:
            dims_hit |= length_nm > rules.ah_longest_nm
        if rules.ah_second_nm != NONE:
            dims_hit |= second_nm > rules.ah_second_nm
        if rules.ah_size_nm != NONE:
            dims_hit |= size_nm > rules.ah_size_nm
        ah = np.where(dims_hit, rules.ah_amount, 0)
        if rules.ah_weight_ng != NONE:
            ah = np.maximum(ah, np.where(weight > rules.ah_weight_ng, rules.ah_weight_amount, 0))
        ah = np.where(large, 0, ah)
    nsl = zero
    for tier in rules.length_tiers:
        hit = length_nm > tier.over_nm
        if tier.up_to_nm != NONE:
            hit &= length_nm <= tier.up_to_nm
        nsl = nsl + np.where(hit, tier.amount, 0)
    nsv = zero
    if rules.volume_amount != NONE:
        # volume > threshold, threshold a Decimal: compare against its integer floor
        threshold = int(rules.volume_over_units3)
        nsv = np.where(volume > threshold, rules.volume_amount, 0)

    charges = {
        "base": base,
        "residential": res,
        "delivery_area": das,
        "additional_handling": ah,
        "large_package": lp,
        "nonstandard_length": nsl,
        "nonstandard_volume": nsv,
    }
    peak = zero
    for code, cents in rules.peak_amounts(ship_date).items():
        present = charges.get(code)
        if present is not None:
            peak = peak + np.where(present > 0, cents, 0)
    charges["peak"] = peak
    fuel_ppm = rules.fuel_on(ship_date)
    listed = _with_fuel(rules, fuel_ppm, charges, zero)
    reported = np.where(within & (near - billable <= tol), near, billable)
    incentives = rules.incentives_on(ship_date) if rules.contracts else None
    net = (
        listed
        if incentives is None
        else _net(rules, fuel_ppm, incentives, charges, reported, zones, parcels.residential)
    )
    return ParcelTotals(np.where(ok, net, NOT_CARRIED), np.where(ok, listed, NOT_CARRIED), reported)


def _with_fuel(rules: ParcelRules, fuel_ppm: int, charges: dict[str, Int], zero: Int) -> Int:
    total: Int = sum(charges.values(), zero)
    if fuel_ppm:
        fuel_base = sum((v for k, v in charges.items() if k in rules.fuel_codes), zero)
        total = total + _half_up(fuel_base * fuel_ppm, 1_000_000)
    return total


def _net(
    rules: ParcelRules,
    fuel_ppm: int,
    inc: Incentives,
    charges: dict[str, Int],
    billable: Int,
    zones: Int,
    residential: np.ndarray,
) -> Int:
    """:func:`shipopt.rating.incentives.net_lines` for every parcel: the net total."""
    base = charges["base"]
    ppm = np.zeros_like(base)
    for band in reversed(inc.bands):  # the first matching band wins, as in the scalar path
        hit = (billable >= band.weight_min_ng) & (billable <= band.weight_max_ng)
        if band.zones is not None:
            hit &= np.isin(zones, np.fromiter(band.zones, dtype=np.int64))
        if band.residential is not None:
            hit &= residential == band.residential
        ppm = np.where(hit, band.ppm, ppm)
    net_base = base - _half_up(base * ppm, 1_000_000)
    if inc.minimum_net >= 0:
        net_base = np.maximum(net_base, np.minimum(inc.minimum_net, base))
    net = {"base": net_base}
    for code, cents in charges.items():
        if code != "base":
            off = inc.surcharge_ppm.get(code, 0)
            net[code] = cents - _half_up(cents * off, 1_000_000) if off else cents
    total: Int = sum(net.values(), np.zeros_like(base))
    if fuel_ppm:
        fuel_base = sum((v for k, v in net.items() if k in rules.fuel_codes), np.zeros_like(base))
        fuel = _half_up(fuel_base * fuel_ppm, 1_000_000)
        off = inc.surcharge_ppm.get("fuel", 0)
        total = total + fuel - (_half_up(fuel * off, 1_000_000) if off else 0)
    return total
