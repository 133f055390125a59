"""The quote path: resolve addresses, price every service, date each rate, select."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from shipopt.calendar import CarrierCalendar, local_time, zone_info
from shipopt.domain.packing import PackRequest, PackResult
from shipopt.domain.parcel import Dimensions, Parcel
from shipopt.domain.quote import (
    Charge,
    Ineligible,
    QuoteRequest,
    QuoteResponse,
    Rate,
    Reason,
)
from shipopt.domain.shipment import Shipment
from shipopt.errors import InputError, Problem
from shipopt.geo import ZipDirectory, ZipPoint, default_zip_directory, distance_miles
from shipopt.packing.cartonize import cartonize
from shipopt.packing.catalog import PriceMemo, Pricer
from shipopt.ratetables.compiled import Service
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.freight_rate import price_ltl, price_truckload
from shipopt.rating.parcel_rate import DESCRIPTIONS, NotCarried, ParcelPrice, price_parcel
from shipopt.rating.parcel_rules import ParcelRuleBook
from shipopt.selection import explain, rank
from shipopt.units import Mass, cents_to_decimal
from shipopt.zones import ZoneResolver

SUPPORTED_COUNTRIES = frozenset({"US"})


@dataclass
class QuoteContext:
    """What a quote needs besides the request: the services, ZIP data and caches."""

    registry: RateRegistry
    directory: ZipDirectory = field(default_factory=default_zip_directory)
    zones: ZoneResolver = field(init=False)
    rules: ParcelRuleBook = field(init=False)

    def __post_init__(self) -> None:
        self.zones = ZoneResolver(self.directory)
        self.rules = ParcelRuleBook(self.registry.services())

    @classmethod
    def from_directory(cls, rate_tables: Path) -> QuoteContext:
        return cls(RateRegistry.from_directory(rate_tables))


@dataclass(frozen=True, slots=True)
class Lane:
    origin: ZipPoint
    destination: ZipPoint
    ready_local: datetime


def resolve_lane(shipment: Shipment, directory: ZipDirectory, now: datetime) -> Lane:
    """Both addresses as ZIP points; the ready time in the origin's time zone."""
    points = []
    for name in ("origin", "destination"):
        address = getattr(shipment, name)
        where = f"shipment.{name}"
        if address.country not in SUPPORTED_COUNTRIES:
            raise InputError(
                Problem(
                    f"{where}.country", f"country {address.country!r} is not supported (US only)"
                )
            )
        point = directory.resolve(address.postal_code, f"{where}.postal_code")
        if address.state is not None and address.state != point.state:
            raise InputError(
                Problem(
                    f"{where}.state",
                    f"ZIP {point.zip5} is in {point.state}, not {address.state}",
                )
            )
        if address.coordinates is not None:
            point = ZipPoint(
                point.zip5,
                address.coordinates.lat,
                address.coordinates.lon,
                point.state,
                point.timezone,
                False,
            )
        points.append(point)
    origin, dest = points
    tz = zone_info(origin.timezone or "America/New_York", "shipment.origin.postal_code")
    ready = local_time(shipment.ship_at or now, tz)
    return Lane(origin, dest, ready)


def _excluded(request: QuoteRequest, service: Service) -> str | None:
    c = request.constraints
    carrier, key = service.spec.carrier, service.key
    if c.carriers is not None and carrier not in c.carriers:
        return "carrier not in the request's allowed carriers"
    if carrier in c.exclude_carriers:
        return "carrier excluded by the request"
    if c.services is not None and key not in c.services:
        return "service not in the request's allowed services"
    if key in c.exclude_services:
        return "service excluded by the request"
    return None


def coverage_problem(service: Service, lane: Lane) -> str | None:
    cov = service.spec.coverage
    if "US" not in cov.countries:
        return "does not serve the US"
    if cov.origin_states is not None and lane.origin.state not in cov.origin_states:
        return f"does not pick up in {lane.origin.state}"
    if cov.destination_states is not None and lane.destination.state not in cov.destination_states:
        return f"does not deliver to {lane.destination.state}"
    if lane.destination.state in cov.exclude_destination_states:
        return f"does not deliver to {lane.destination.state}"
    return None


def price_service(
    ctx: QuoteContext, service: Service, shipment: Shipment, lane: Lane, zone: int, ship_day: date
) -> list[ParcelPrice] | NotCarried:
    """Every parcel on a parcel service, or the whole shipment on a freight service."""
    mode = service.spec.mode
    dest = shipment.destination
    if mode == "ltl":
        priced = price_ltl(service, shipment.parcels, zone, dest.residential, shipment.accessorials)
        return [priced] if isinstance(priced, ParcelPrice) else priced
    if mode == "truckload":
        miles = distance_miles(
            (lane.origin.lat, lane.origin.lon), (lane.destination.lat, lane.destination.lon)
        )
        priced = price_truckload(service, shipment.parcels, miles)
        return [priced] if isinstance(priced, ParcelPrice) else priced
    rules = ctx.rules(service)
    prices = []
    for i, parcel in enumerate(shipment.parcels):
        if parcel.packaging == "pallet":
            return NotCarried(Reason.WRONG_MODE, f"parcel {i} is a pallet: use a freight service")
        d = parcel.dimensions
        result = price_parcel(
            rules,
            (d.length.nm, d.width.nm, d.height.nm),
            parcel.weight.ng,
            zone,
            dest.residential,
            lane.destination.zip5,
            ship_day,
        )
        if isinstance(result, NotCarried):
            prefix = f"parcel {i}: " if len(shipment.parcels) > 1 else ""
            return NotCarried(result.reason, prefix + result.message)
        prices.append(result)
    return prices


def build_rate(
    service: Service,
    prices: list[ParcelPrice],
    zone: int,
    transit_days: int,
    ship_day: date,
    delivery: date,
) -> Rate:
    """Sum the parcels' charge lines by code (first-seen order) into one Rate."""
    sums: dict[str, int] = {}
    for price in prices:
        for code, cents in price.lines:
            sums[code] = sums.get(code, 0) + cents
    spec = service.spec
    fuel_pct = Decimal(spec.fuel.percent).scaleb(-4).normalize()
    charges = [
        Charge(
            code=code,
            description=DESCRIPTIONS[code]
            + (f" ({fuel_pct:f}%)" if code == "fuel" and spec.fuel.percent else ""),
            amount=cents_to_decimal(cents),
        )
        for code, cents in sums.items()
    ]
    return Rate(
        carrier=spec.carrier,
        service=spec.service,
        service_name=spec.service_name,
        mode=spec.mode,
        currency=spec.currency,
        charges=charges,
        total=cents_to_decimal(sum(sums.values())),
        parcel_totals=[cents_to_decimal(p.total) for p in prices],
        billable_weight=Mass(sum(p.billable_ng for p in prices)),
        zone=zone,
        transit_days=transit_days,
        ship_date=ship_day,
        estimated_delivery=delivery,
        guaranteed=spec.transit.guaranteed,
        table_version=spec.version,
    )


def _coverage_dates(registry: RateRegistry) -> str:
    starts = [v.spec.effective_from for k in registry.keys for v in registry.versions(k)]
    ends = [v.spec.effective_to for k in registry.keys for v in registry.versions(k)]
    last = "onward" if any(e is None for e in ends) else f"to {max(e for e in ends if e)}"
    return f"tables cover {min(starts)} {last}"


@dataclass(frozen=True, slots=True)
class ServicePlan:
    """A service that may carry the shipment: its version, calendar, dates and zone."""

    service: Service
    calendar: CarrierCalendar
    zone: int
    transit_days: int
    ship_day: date
    delivery: date


def _reject(ineligible: list[Ineligible], service: Service, reason: Reason, message: str) -> None:
    ineligible.append(
        Ineligible(
            carrier=service.spec.carrier,
            service=service.spec.service,
            reason=reason,
            message=message,
        )
    )


def check_constraints(request: QuoteRequest, keys: Sequence[str], lane: Lane) -> None:
    """An InputError for a carrier or service the tables do not have (listing the known ones),
    or a deliver-by date before the day the shipment is ready."""
    c = request.constraints
    problems: list[Problem] = []
    named = c.carriers or c.exclude_carriers or c.services or c.exclude_services
    carriers = sorted({k.split("/", 1)[0] for k in keys}) if named else []
    for name, values, known, what in (
        ("carriers", c.carriers or [], carriers, "carrier"),
        ("exclude_carriers", c.exclude_carriers, carriers, "carrier"),
        ("services", c.services or [], keys, "service"),
        ("exclude_services", c.exclude_services, keys, "service"),
    ):
        for i, value in enumerate(values):
            if value not in known:
                shown = value if len(value) <= 40 else value[:40] + "..."
                problems.append(
                    Problem(
                        f"constraints.{name}[{i}]",
                        f"unknown {what} {shown!r}; known: {', '.join(sorted(known))}",
                    )
                )
    ready = lane.ready_local.date()
    if c.deliver_by is not None and c.deliver_by < ready:
        problems.append(
            Problem("constraints.deliver_by", f"{c.deliver_by} is before the ship date {ready}")
        )
    if problems:
        raise InputError(problems)


def plan_services(
    request: QuoteRequest, ctx: QuoteContext, lane: Lane
) -> tuple[list[ServicePlan], list[Ineligible]]:
    """Every service: the version in force on its ship date, served lane, zone and dates."""
    registry = ctx.registry
    check_constraints(request, registry.keys, lane)
    plans: list[ServicePlan] = []
    ineligible: list[Ineligible] = []
    handling = request.shipment.handling_days
    for key in registry.keys:
        probe = registry.any_version(key, lane.ready_local.date())
        why = _excluded(request, probe)
        if why:
            _reject(ineligible, probe, Reason.EXCLUDED_BY_REQUEST, why)
            continue
        ship_day = registry.calendar(probe).ship_date(lane.ready_local, handling)
        service = registry.in_force(key, ship_day)
        if service is None:
            _reject(
                ineligible, probe, Reason.NO_TABLE_IN_FORCE, f"no rate table in force on {ship_day}"
            )
            continue
        calendar = registry.calendar(service)
        if service is not probe:
            ship_day = calendar.ship_date(lane.ready_local, handling)
        if service.spec.currency != request.currency:
            _reject(
                ineligible,
                service,
                Reason.CURRENCY_MISMATCH,
                f"priced in {service.spec.currency}, request is in {request.currency}",
            )
            continue
        why = coverage_problem(service, lane)
        if why:
            _reject(ineligible, service, Reason.NOT_SERVED, why)
            continue
        zone = ctx.zones.zone(service, lane.origin, lane.destination)
        transit_days = service.spec.transit.days_by_zone.get(zone)
        if transit_days is None:
            _reject(ineligible, service, Reason.ZONE_NOT_PRICED, f"zone {zone} is not served")
            continue
        delivery = calendar.add_transit_days(ship_day, transit_days)
        plans.append(ServicePlan(service, calendar, zone, transit_days, ship_day, delivery))
    if not plans and ineligible and all(i.reason == Reason.NO_TABLE_IN_FORCE for i in ineligible):
        day = lane.ready_local.date()
        raise InputError(
            Problem(
                "shipment.ship_at",
                f"no rate table is in force on {day} ({_coverage_dates(registry)})",
            )
        )
    return plans, ineligible


def _meets_constraints(request: QuoteRequest, plan: ServicePlan) -> bool:
    c = request.constraints
    if c.max_transit_days is not None and plan.transit_days > c.max_transit_days:
        return False
    return c.deliver_by is None or plan.delivery <= c.deliver_by


def cheapest_parcel_pricer(
    request: QuoteRequest, ctx: QuoteContext, lane: Lane, plans: list[ServicePlan]
) -> Pricer:
    """One parcel's price on each parcel service that meets the constraints (None where it
    cannot carry it), in a fixed order: the packer ships all boxes by one of them."""
    usable = [
        p for p in plans if p.service.spec.mode == "parcel" and _meets_constraints(request, p)
    ]
    residential = request.shipment.destination.residential
    zip5 = lane.destination.zip5

    def price(outer: Dimensions, gross: Mass) -> tuple[Decimal | None, ...]:
        sides = (outer.length.nm, outer.width.nm, outer.height.nm)
        out: list[Decimal | None] = []
        for plan in usable:
            priced = price_parcel(
                ctx.rules(plan.service),
                sides,
                gross.ng,
                plan.zone,
                residential,
                zip5,
                plan.ship_day,
            )
            out.append(cents_to_decimal(priced.total) if isinstance(priced, ParcelPrice) else None)
        return tuple(out)

    return price


def pack_items(
    request: QuoteRequest,
    ctx: QuoteContext,
    lane: Lane,
    plans: list[ServicePlan],
    price_memo: PriceMemo | None = None,
) -> tuple[Shipment, PackResult]:
    """Cartonize the shipment's items, priced by the cheapest eligible service; the packed boxes
    become its parcels. A unit that cannot be packed is an error naming its item. A
    ``price_memo`` may be shared only by requests with the same boxes, lane and services."""
    shipment = request.shipment
    pack_request = PackRequest(
        items=shipment.items, boxes=shipment.boxes, options=shipment.pack_options
    )
    pricer = cheapest_parcel_pricer(request, ctx, lane, plans)
    packing = cartonize(pack_request, pricer, price_memo)
    if packing.unpacked:
        index = {it.sku: k for k, it in enumerate(shipment.items)}
        raise InputError(
            [
                Problem(
                    f"shipment.items[{index[u.sku]}]",
                    f"unit {u.unit} of {u.sku} cannot be packed: {u.message}",
                )
                for u in packing.unpacked
            ]
        )
    parcels = [Parcel(dimensions=b.outer, weight=b.gross_weight) for b in packing.boxes]
    return shipment.model_copy(update={"parcels": parcels}), packing


@dataclass(frozen=True, slots=True)
class Priced:
    """A service that carries the shipment within the request's limits, with its prices."""

    plan: ServicePlan
    prices: list[ParcelPrice]
    total: Decimal

    def rate(self) -> Rate:
        p = self.plan
        return build_rate(p.service, self.prices, p.zone, p.transit_days, p.ship_day, p.delivery)


def price_services(
    request: QuoteRequest,
    ctx: QuoteContext,
    shipment: Shipment,
    lane: Lane,
    plans: list[ServicePlan],
    ineligible: list[Ineligible],
) -> list[Priced]:
    """Price every planned service; one that cannot carry the shipment, or misses the
    request's transit or deliver-by limit, goes to ``ineligible`` with the reason."""
    out: list[Priced] = []
    limits = request.constraints
    for plan in plans:
        service = plan.service
        priced = price_service(ctx, service, shipment, lane, plan.zone, plan.ship_day)
        if isinstance(priced, NotCarried):
            _reject(ineligible, service, priced.reason, priced.message)
            continue
        total = cents_to_decimal(sum(p.total for p in priced))
        cost = f"would cost {service.spec.currency} {total}"
        if limits.max_transit_days is not None and plan.transit_days > limits.max_transit_days:
            _reject(
                ineligible,
                service,
                Reason.TRANSIT_TOO_LONG,
                f"{plan.transit_days} transit days (limit {limits.max_transit_days}); {cost}",
            )
            continue
        if limits.deliver_by is not None and plan.delivery > limits.deliver_by:
            _reject(
                ineligible,
                service,
                Reason.MISSES_DELIVER_BY,
                f"estimated delivery {plan.delivery} is after {limits.deliver_by}; {cost}",
            )
            continue
        out.append(Priced(plan, priced, total))
    return out


def quote(request: QuoteRequest, ctx: QuoteContext, now: datetime | None = None) -> QuoteResponse:
    """Price every service for the shipment and choose under the request's policy."""
    lane = resolve_lane(request.shipment, ctx.directory, now or datetime.now(UTC))
    plans, ineligible = plan_services(request, ctx, lane)
    shipment, packing = request.shipment, None
    if shipment.items:
        shipment, packing = pack_items(request, ctx, lane, plans)
    rates = [p.rate() for p in price_services(request, ctx, shipment, lane, plans, ineligible)]
    ranked = rank(rates, request.policy, request.best_value)
    return QuoteResponse(
        rates=ranked,
        choice=ranked[0] if ranked else None,
        explanation=explain(ranked, request.policy, request.best_value, len(ineligible)),
        ineligible=sorted(ineligible, key=lambda i: (i.carrier, i.service)),
        policy=request.policy,
        packing=packing,
    )


def choose(
    request: QuoteRequest, ctx: QuoteContext, now: datetime | None = None
) -> tuple[Rate | None, str]:
    """The choice :func:`quote` makes for a parcel shipment under the cheapest or fastest
    policy (and why none, when none), without building every rate: the batch planner's path."""
    if request.policy == "best_value" or request.shipment.items:
        response = quote(request, ctx, now)
        return response.choice, response.explanation
    lane = resolve_lane(request.shipment, ctx.directory, now or datetime.now(UTC))
    plans, ineligible = plan_services(request, ctx, lane)
    priced = price_services(request, ctx, request.shipment, lane, plans, ineligible)
    if not priced:
        return None, explain([], request.policy, request.best_value, len(ineligible))

    def key(p: Priced) -> tuple[object, ...]:
        where = p.plan.service.key
        if request.policy == "fastest":
            return (p.plan.delivery, p.total, where)
        return (p.total, p.plan.delivery, where)

    return min(priced, key=key).rate(), ""
