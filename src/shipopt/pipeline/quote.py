"""The quote path: the lane (``lane``), the services that may carry it (``eligibility``), then
every one priced (parcel or freight), dated and ranked under the policy; items are packed first,
cost-aware, on the parcel prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from shipopt.domain.packing import PackRequest, PackResult
from shipopt.domain.parcel import Dimensions, Parcel
from shipopt.domain.quote import (
    Ineligible,
    Price,
    PriceBasis,
    Prices,
    QuoteRequest,
    QuoteResponse,
    Rate,
    Reason,
)
from shipopt.domain.shipment import Shipment
from shipopt.errors import InputError, Problem
from shipopt.packing.cartonize import cartonize
from shipopt.packing.catalog import PriceMemo, Pricer
from shipopt.packing.fill_memo import FillMemo
from shipopt.pipeline.confidence import Confidence, rate_confidence
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.eligibility import ServicePlan, plan_services, reject
from shipopt.pipeline.lane import Lane, resolve_lane
from shipopt.ratetables.compiled import Service
from shipopt.rating.freight_rate import price_ltl, price_truckload
from shipopt.rating.markup import SELL_DESCRIPTIONS, sell_lines
from shipopt.rating.parcel_rate import DESCRIPTIONS, NotCarried, ParcelPrice, price_parcel
from shipopt.selection import explain, rank
from shipopt.units import Mass, cents_to_decimal


def price_service(
    ctx: QuoteContext, service: Service, shipment: Shipment, lane: Lane, zone: int, ship_day: date
) -> list[ParcelPrice] | NotCarried:
    """Every parcel on a parcel service, or the whole shipment on a freight service."""
    mode = service.spec.mode
    dest = shipment.destination
    if mode == "ltl":
        priced = price_ltl(
            service, shipment.parcels, zone, dest.residential, shipment.accessorials, ship_day
        )
        return [priced] if isinstance(priced, ParcelPrice) else priced
    if mode == "truckload":
        priced = price_truckload(service, shipment.parcels, lane.great_circle_miles, ship_day)
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
            parcel.packaging == "envelope",
        )
        if isinstance(result, NotCarried):
            prefix = f"parcel {i}: " if len(shipment.parcels) > 1 else ""
            return NotCarried(result.reason, prefix + result.message)
        prices.append(result)
    return prices


Lines = tuple[tuple[str, int], ...]
Notes = tuple[tuple[str, str], ...]


def _description(code: str, fuel_pct: str) -> str:
    if code.startswith("incentive_"):
        return "Incentive on " + DESCRIPTIONS[code.removeprefix("incentive_")].lower()
    if code in SELL_DESCRIPTIONS:
        return SELL_DESCRIPTIONS[code]
    return DESCRIPTIONS[code] + (f" ({fuel_pct})" if code == "fuel" and fuel_pct else "")


def _price(parts: list[tuple[Lines, Notes]], fuel_pct: str) -> Price:
    """Sum the parts' lines by code (first-seen order) into one itemized price (validated in
    one pass: building each Charge model on its own cost a third of a quote's time)."""
    sums: dict[str, int] = {}
    notes: dict[str, list[str]] = {}
    for lines, part_notes in parts:
        for code, cents in lines:
            sums[code] = sums.get(code, 0) + cents
        for code, note in part_notes:
            if note not in notes.setdefault(code, []):
                notes[code].append(note)
    charges = [
        {
            "code": code,
            "description": _description(code, fuel_pct)
            + (f" ({'; '.join(notes[code])})" if code in notes else ""),
            "amount": cents_to_decimal(cents),
        }
        for code, cents in sums.items()
    ]
    return Price.model_validate({"total": cents_to_decimal(sum(sums.values())), "charges": charges})


def sell_price(
    service: Service,
    prices: list[ParcelPrice],
    shipment: Shipment,
    order_value: Decimal | None,
    ship_day: date,
) -> tuple[Lines, Notes] | None:
    """The checkout price's lines under the markup in force on the ship day, if one names it."""
    markup = service.markup_on(ship_day) if service.markups else None
    if markup is None:
        return None
    weight = sum(p.weight.ng for p in shipment.parcels)
    value = None if order_value is None else int(order_value * 100)
    list_total = sum(p.list_total for p in prices)
    return sell_lines(markup, service.key, list_total, sum(p.total for p in prices), weight, value)


@cache
def _percent_text(ppm: int) -> str:
    return f"{Decimal(ppm).scaleb(-4).normalize():f}%" if ppm else ""


def build_rate(
    service: Service,
    prices: list[ParcelPrice],
    zone: int,
    transit_days: int,
    ship_day: date,
    delivery: date,
    sell: tuple[Lines, Notes] | None = None,
    confidence: Confidence | None = None,
) -> Rate:
    """The parcels' list and net lines summed by code into one Rate, with its sell price and
    (with a transit model) its delivery-date confidence."""
    spec = service.spec
    fuel_pct = _percent_text(spec.fuel.percent_on(ship_day))
    net = _price([(p.lines, p.notes) for p in prices], fuel_pct)
    agreement = service.incentives_on(ship_day) if service.incentives else None
    markup = service.markup_on(ship_day) if service.markups else None
    listed = (
        _price([(p.list_lines or p.lines, ()) for p in prices], fuel_pct)
        if any(p.list_lines is not None for p in prices)
        else net
    )
    return Rate(
        carrier=spec.carrier,
        service=spec.service,
        service_name=spec.service_name,
        mode=spec.mode,
        currency=spec.currency,
        charges=net.charges,
        total=net.total,
        prices=Prices(
            list=listed, net=net, sell=_price([sell], fuel_pct) if sell is not None else None
        ),
        parcel_totals=[cents_to_decimal(p.total) for p in prices],
        billable_weight=Mass(sum(p.billable_ng for p in prices)),
        zone=zone,
        transit_days=transit_days,
        ship_date=ship_day,
        estimated_delivery=delivery,
        guaranteed=spec.transit.guaranteed,
        table_version=spec.version,
        agreement_version=agreement.version if agreement else None,
        markup_version=markup.version if markup and sell is not None else None,
        delivery_percentiles=confidence.percentiles if confidence is not None else None,
        on_time_probability=confidence.on_time if confidence is not None else None,
        latest_ship_date=confidence.latest_ship if confidence is not None else None,
    )


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
    fill_memo: FillMemo | None = None,
) -> tuple[Shipment, PackResult]:
    """Cartonize the shipment's items, priced by the cheapest eligible service; the packed boxes
    become its parcels. A unit that cannot be packed is an error naming its item. A
    ``price_memo`` may be shared only by requests with the same boxes, lane and services; a
    ``fill_memo`` by any."""
    shipment = request.shipment
    pack_request = PackRequest(
        items=shipment.items, boxes=shipment.boxes, options=shipment.pack_options
    )
    pricer = cheapest_parcel_pricer(request, ctx, lane, plans)
    packing = cartonize(pack_request, pricer, price_memo, fill_memo)
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
    sell: tuple[Lines, Notes] | None = None
    confidence: Confidence | None = None

    def amount(self, basis: PriceBasis) -> Decimal:
        if basis == "sell" and self.sell is not None:
            return cents_to_decimal(sum(c for _, c in self.sell[0]))
        return self.total

    def rate(self) -> Rate:
        p = self.plan
        return build_rate(
            p.service,
            self.prices,
            p.zone,
            p.transit_days,
            p.ship_day,
            p.delivery,
            self.sell,
            self.confidence,
        )


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
            reject(ineligible, service, priced.reason, priced.message)
            continue
        total = cents_to_decimal(sum(p.total for p in priced))
        cost = f"would cost {service.spec.currency} {total}"
        if limits.max_transit_days is not None and plan.transit_days > limits.max_transit_days:
            reject(
                ineligible,
                service,
                Reason.TRANSIT_TOO_LONG,
                f"{plan.transit_days} transit days (limit {limits.max_transit_days}); {cost}",
            )
            continue
        conf = rate_confidence(request, ctx, lane, plan)
        wanted = limits.on_time_probability
        if wanted is not None and conf is not None and conf.on_time is not None:
            if conf.on_time < wanted:
                reject(
                    ineligible,
                    service,
                    Reason.UNLIKELY_ON_TIME,
                    f"{conf.on_time:.1%} likely by {limits.deliver_by} (wanted "
                    f"{wanted:.1%}); {cost}",
                )
                continue
        elif limits.deliver_by is not None and plan.delivery > limits.deliver_by:
            reject(
                ineligible,
                service,
                Reason.MISSES_DELIVER_BY,
                f"estimated delivery {plan.delivery} is after {limits.deliver_by}; {cost}",
            )
            continue
        sell = sell_price(service, priced, shipment, request.order_value, plan.ship_day)
        out.append(Priced(plan, priced, total, sell, conf))
    return out


def quote(request: QuoteRequest, ctx: QuoteContext, now: datetime | None = None) -> QuoteResponse:
    """Price every service for the shipment and choose under the request's policy."""
    lane = resolve_lane(request.shipment, ctx.directory, now or datetime.now(UTC))
    plans, ineligible = plan_services(request, ctx, lane)
    shipment, packing = request.shipment, None
    if shipment.items:
        shipment, packing = pack_items(request, ctx, lane, plans)
    rates = [p.rate() for p in price_services(request, ctx, shipment, lane, plans, ineligible)]
    basis = request.price_basis
    ranked = rank(rates, request.policy, request.best_value, basis)
    return QuoteResponse(
        rates=ranked,
        choice=ranked[0] if ranked else None,
        explanation=explain(ranked, request.policy, request.best_value, len(ineligible), basis),
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
    basis = request.price_basis

    def key(p: Priced) -> tuple[object, ...]:
        where = p.plan.service.key
        if request.policy == "fastest":
            return (p.plan.delivery, p.amount(basis), where)
        return (p.amount(basis), p.plan.delivery, where)

    return min(priced, key=key).rate(), ""
