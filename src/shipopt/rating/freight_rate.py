"""Price palletized freight: LTL by hundredweight and class, truckload by the mile."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from shipopt.domain.parcel import Parcel
from shipopt.domain.quote import Reason
from shipopt.domain.shipment import Accessorials
from shipopt.ratetables.compiled import Service
from shipopt.rating.parcel_rate import NotCarried, ParcelPrice
from shipopt.units import NG_PER, NM_PER, div_ceil, div_round_half_up

# Density scale (lb per cubic foot, lower bound -> class), in force since July 2025 (DOMAIN.md).
DENSITY_SCALE: tuple[tuple[Fraction, str], ...] = (
    (Fraction(50), "50"),
    (Fraction(35), "55"),
    (Fraction(30), "60"),
    (Fraction(45, 2), "65"),
    (Fraction(15), "70"),
    (Fraction(12), "85"),
    (Fraction(10), "92.5"),
    (Fraction(8), "100"),
    (Fraction(6), "125"),
    (Fraction(4), "175"),
    (Fraction(2), "250"),
    (Fraction(1), "300"),
)


def density_lb_per_ft3(parcel: Parcel) -> Fraction:
    d = parcel.dimensions
    volume_ft3 = Fraction(d.length.nm * d.width.nm * d.height.nm, NM_PER["ft"] ** 3)
    return Fraction(parcel.weight.ng, NG_PER["lb"]) / volume_ft3


def freight_class(parcel: Parcel) -> str:
    """The given class, else the class of the pallet's density."""
    if parcel.freight_class is not None:
        return parcel.freight_class
    density = density_lb_per_ft3(parcel)
    for lower, cls in DENSITY_SCALE:
        if density >= lower:
            return cls
    return "400"


def _freight_checks(service: Service, pieces: list[Parcel]) -> NotCarried | None:
    if any(p.packaging != "pallet" for p in pieces):
        return NotCarried(Reason.WRONG_MODE, "freight services carry pallets only")
    limits = service.spec.limits
    if sum(p.weight.ng for p in pieces) > limits.max_weight.ng:
        return NotCarried(Reason.OVER_MAX_WEIGHT, "heavier than the service's maximum weight")
    if limits.max_length is not None:
        for p in pieces:
            if max(p.dimensions.sorted_nm()) > limits.max_length.nm:
                return NotCarried(Reason.OVER_MAX_LENGTH, "a pallet is longer than allowed")
    return None


def _fuel(service: Service, lines: list[tuple[str, int]], day: date) -> list[tuple[str, int]]:
    ppm = service.spec.fuel.percent_on(day)
    codes = service.spec.fuel.codes(service.spec.mode)
    base = sum(c for code, c in lines if code in codes)
    fuel = div_round_half_up(base * ppm, 1_000_000)
    return [*lines, ("fuel", fuel)] if fuel else lines


def price_ltl(
    service: Service,
    pieces: list[Parcel],
    zone: int,
    residential: bool,
    extras: Accessorials,
    ship_day: date,
) -> ParcelPrice | NotCarried:
    """Rate the shipment at its highest freight class; the cheaper of its own weight bracket and
    any higher break's minimum weight (deficit weight); then minimum charge, accessorials, fuel."""
    problem = _freight_checks(service, pieces)
    if problem:
        return problem
    assert service.spec.ltl is not None and service.ltl_grid is not None
    ltl, grid = service.spec.ltl, service.ltl_grid
    if ltl.max_pallet_height is not None:
        for p in pieces:
            if p.dimensions.height.nm > ltl.max_pallet_height.nm:
                return NotCarried(Reason.OVER_MAX_SIZE, "a pallet is taller than allowed")
    cls = max((freight_class(p) for p in pieces), key=Decimal)
    rates = grid.cwt_cents.get((zone, cls))
    if rates is None:
        return NotCarried(Reason.ZONE_NOT_PRICED, f"zone {zone} class {cls} is not priced")
    weight_lb = div_ceil(sum(p.weight.ng for p in pieces), NG_PER["lb"])
    breaks = grid.breaks_lb
    options = []
    for i, brk in enumerate(breaks):
        upper = breaks[i + 1] if i + 1 < len(breaks) else None
        if brk <= weight_lb and (upper is None or weight_lb < upper):
            options.append(div_round_half_up(rates[i] * weight_lb, 100))
        elif brk > weight_lb:
            options.append(div_round_half_up(rates[i] * brk, 100))
    lines: list[tuple[str, int]] = [("linehaul", max(min(options), ltl.minimum_charge))]
    wanted = {name for name, on in extras.model_dump().items() if on}
    if residential:
        wanted.add("residential")
    for name in sorted(wanted):
        amount = {str(k): v for k, v in ltl.accessorials.items()}.get(name)
        if amount is None:
            return NotCarried(Reason.NOT_SERVED, f"does not offer {name.replace('_', ' ')}")
        lines.append(("accessorials", amount))
    return ParcelPrice(tuple(_fuel(service, lines, ship_day)), weight_lb * NG_PER["lb"])


def price_truckload(
    service: Service, pieces: list[Parcel], great_circle_miles: Callable[[], float], ship_day: date
) -> ParcelPrice | NotCarried:
    """Road miles (great circle times circuity, whole miles) at the rate per mile, at least the
    minimum; fuel per mile from the diesel price when given, else the table's percentage.
    ``great_circle_miles`` is asked only for pieces a truck takes (most shipments are not)."""
    problem = _freight_checks(service, pieces)
    if problem:
        return problem
    assert service.spec.truckload is not None
    tl = service.spec.truckload
    road = Decimal(repr(great_circle_miles())) * tl.circuity
    miles = int(road.to_integral_value(ROUND_HALF_UP))
    linehaul = max(div_round_half_up(miles * tl.rate_per_mile, 100), tl.minimum_charge)
    lines: list[tuple[str, int]] = [("linehaul", linehaul)]
    if tl.fuel_diesel_price is not None:
        per_mile = max(tl.fuel_diesel_price - tl.fuel_base_price, Decimal(0)) / tl.fuel_mpg
        fuel = int((per_mile * miles * 100).to_integral_value(ROUND_HALF_UP))
        if fuel:
            lines.append(("fuel", fuel))
    else:
        lines = _fuel(service, lines, ship_day)
    weight_lb = div_ceil(sum(p.weight.ng for p in pieces), NG_PER["lb"])
    return ParcelPrice(tuple(lines), weight_lb * NG_PER["lb"])
