"""Batch quotes on the numpy path: many one-parcel shipments priced on every parcel service at
once (``rating.batch``), dated by the services' calendars, and chosen under the policy with the
same keys as a single quote. The rates equal those of a single quote restricted to the parcel
services (tested)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import numpy as np

from shipopt.calendar import CarrierCalendar
from shipopt.domain.quote import PriceBasis
from shipopt.domain.quote_batch import BatchAnswer, BatchRate, BatchShipment
from shipopt.errors import InputError
from shipopt.geo import ZipPoint
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.lane import ready_at, resolve_point
from shipopt.ratetables.compiled import Service
from shipopt.rating.batch import rate_batch
from shipopt.rating.markup import sell_totals
from shipopt.rating.vectorized import NOT_CARRIED, ParcelArrays
from shipopt.units import cents_to_decimal

BatchPolicy = Literal["cheapest", "fastest"]


@dataclass(frozen=True)
class _Lane:
    index: int
    origin: ZipPoint
    destination: ZipPoint
    ready: datetime


def quote_many(
    shipments: Sequence[BatchShipment],
    ctx: QuoteContext,
    ship_at: datetime,
    policy: BatchPolicy = "cheapest",
    currency: str = "USD",
    include_rates: bool = False,
    basis: PriceBasis = "net",
) -> list[BatchAnswer | InputError]:
    """An answer per shipment, in order, or the InputError of a shipment whose address is
    refused (unknown ZIP, another country, a state the ZIP is not in)."""
    out: list[BatchAnswer | InputError] = [InputError([]) for _ in shipments]
    lanes: list[_Lane] = []
    for i, s in enumerate(shipments):
        try:
            o = resolve_point(s.origin, "origin", ctx.directory)
            d = resolve_point(s.destination, "destination", ctx.directory)
        except InputError as exc:
            out[i] = exc
            continue
        lanes.append(_Lane(i, o, d, ready_at(o, ship_at)))
    groups: dict[datetime, list[_Lane]] = {}
    for lane in lanes:
        groups.setdefault(lane.ready, []).append(lane)
    for ready, group in groups.items():
        rates = _group_rates(group, shipments, ctx, ready, currency)
        for lane, found in zip(group, rates, strict=True):
            out[lane.index] = _answer(found, policy, include_rates, basis)
    return out


def _services_by_day(ctx: QuoteContext, ready: datetime) -> dict[date, list[Service]]:
    """Each parcel service's version for shipments ready at ``ready``, by its ship day (as the
    single quote finds them: the version in force on the ship day its calendar gives)."""
    registry = ctx.registry
    by_day: dict[date, list[Service]] = {}
    for key in registry.keys:
        probe = registry.any_version(key, ready.date())
        ship_day = registry.calendar(probe).ship_date(ready, 0)
        service = registry.in_force(key, ship_day)
        if service is None or service.spec.mode != "parcel":
            continue
        if service is not probe:
            ship_day = registry.calendar(service).ship_date(ready, 0)
        by_day.setdefault(ship_day, []).append(service)
    return by_day


def _group_rates(
    group: list[_Lane],
    shipments: Sequence[BatchShipment],
    ctx: QuoteContext,
    ready: datetime,
    currency: str,
) -> list[list[BatchRate]]:
    """Every parcel service's rate for each lane of ``group`` (shipments ready at one time)."""
    parcels = [shipments[lane.index].parcel for lane in group]
    arrays = ParcelArrays(
        sides_nm=np.array(
            [[p.dimensions.length.nm, p.dimensions.width.nm, p.dimensions.height.nm]
             for p in parcels], dtype=np.int64
        ),
        weight_ng=np.array([p.weight.ng for p in parcels], dtype=np.int64),
        residential=np.array([shipments[lane.index].destination.residential for lane in group]),
        dest_zip=np.array([int(lane.destination.zip5) for lane in group], dtype=np.int64),
    )  # fmt: skip
    origin_zip = np.array([int(lane.origin.zip5) for lane in group], dtype=np.int64)
    values = [shipments[lane.index].order_value for lane in group]
    order_value = np.array([-1 if v is None else int(v * 100) for v in values], dtype=np.int64)
    found: list[list[BatchRate]] = [[] for _ in group]
    dates: dict[tuple[int, date, int], date] = {}
    for ship_day, services in _services_by_day(ctx, ready).items():
        batch = rate_batch(
            ctx.registry, ctx.rules, ctx.zone_arrays, ctx.directory, origin_zip, arrays,
            ship_day, currency,
        )  # fmt: skip
        column = {key: j for j, key in enumerate(batch.keys)}
        for service in services:
            j = column.get(service.key)
            if j is None:  # priced in another currency
                continue
            if "US" not in service.spec.coverage.countries:  # states: masked by rate_batch
                continue
            calendar = ctx.registry.calendar(service)
            markup = service.markup_on(ship_day) if service.markups else None
            sell = (
                sell_totals(
                    markup, service.key, batch.list_totals[:, j], batch.totals[:, j],
                    arrays.weight_ng, order_value,
                )
                if markup is not None
                else None
            )  # fmt: skip
            for row in np.flatnonzero(batch.totals[:, j] != NOT_CARRIED):
                zone = int(batch.zones[row, j])
                days = service.spec.transit.days_by_zone.get(zone)
                if days is None:
                    continue
                delivery = _delivery(dates, calendar, id(service), ship_day, days)
                found[row].append(
                    BatchRate(
                        carrier=service.spec.carrier,
                        service=service.spec.service,
                        currency=service.spec.currency,
                        total=cents_to_decimal(int(batch.totals[row, j])),
                        list_total=cents_to_decimal(int(batch.list_totals[row, j])),
                        sell_total=None if sell is None else cents_to_decimal(int(sell[row])),
                        zone=zone,
                        transit_days=days,
                        ship_date=ship_day,
                        estimated_delivery=delivery,
                    )
                )
    return found


def _delivery(
    cache: dict[tuple[int, date, int], date],
    calendar: CarrierCalendar,
    service: int,
    ship_day: date,
    days: int,
) -> date:
    key = (service, ship_day, days)
    if key not in cache:
        cache[key] = calendar.add_transit_days(ship_day, days)
    return cache[key]


def _answer(
    rates: list[BatchRate], policy: BatchPolicy, include_rates: bool, basis: PriceBasis
) -> BatchAnswer:
    """The rates ranked as a single quote ranks them (cheapest: amount, then delivery, then
    key; fastest: delivery, then amount, then key; the amount net or sell by ``basis``)."""
    if policy == "cheapest":
        ranked = sorted(rates, key=lambda r: (r.amount(basis), r.estimated_delivery, r.key))
    else:
        ranked = sorted(rates, key=lambda r: (r.estimated_delivery, r.amount(basis), r.key))
    if not ranked:
        return BatchAnswer(choice=None, reason="no parcel service carries this parcel on this lane")
    return BatchAnswer(choice=ranked[0], rates=ranked if include_rates else [])
