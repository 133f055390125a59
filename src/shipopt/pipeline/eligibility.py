"""Which services may carry a shipment: the request's constraints checked, then for every
service the version in force on its ship date, currency, coverage, zone and dates; every
service left out is listed with a reason code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shipopt.calendar import CarrierCalendar
from shipopt.domain.quote import Ineligible, QuoteRequest, Reason
from shipopt.errors import InputError, Problem
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.lane import Lane, coverage_problem
from shipopt.ratetables.compiled import NOT_SERVED_ZONE, Service
from shipopt.ratetables.registry import RateRegistry


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


def reject(ineligible: list[Ineligible], service: Service, reason: Reason, message: str) -> None:
    """``service`` listed as ineligible for ``reason``."""
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
            reject(ineligible, probe, Reason.EXCLUDED_BY_REQUEST, why)
            continue
        ship_day = registry.calendar(probe).ship_date(lane.ready_local, handling)
        service = registry.in_force(key, ship_day)
        if service is None:
            reject(
                ineligible, probe, Reason.NO_TABLE_IN_FORCE, f"no rate table in force on {ship_day}"
            )
            continue
        calendar = registry.calendar(service)
        if service is not probe:
            ship_day = calendar.ship_date(lane.ready_local, handling)
        if service.spec.currency != request.currency:
            reject(
                ineligible,
                service,
                Reason.CURRENCY_MISMATCH,
                f"priced in {service.spec.currency}, request is in {request.currency}",
            )
            continue
        why = coverage_problem(service, lane)
        if why:
            reject(ineligible, service, Reason.NOT_SERVED, why)
            continue
        zone = ctx.zones.zone(service, lane.origin, lane.destination)
        if zone == NOT_SERVED_ZONE:
            why = "the zone chart does not serve this lane"
            reject(ineligible, service, Reason.NOT_SERVED, why)
            continue
        transit_days = service.spec.transit.days_by_zone.get(zone)
        if transit_days is None:
            reject(ineligible, service, Reason.ZONE_NOT_PRICED, f"zone {zone} is not served")
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
