"""A shipment's lane: both addresses as ZIP points, the ready time in the origin's zone, and
whether a service's coverage serves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shipopt.calendar import local_time, zone_info
from shipopt.domain.address import Address
from shipopt.domain.shipment import Shipment
from shipopt.errors import InputError, Problem
from shipopt.geo import ZipDirectory, ZipPoint, distance_miles
from shipopt.ratetables.compiled import Service

SUPPORTED_COUNTRIES = frozenset({"US"})


@dataclass(frozen=True, slots=True)
class Lane:
    origin: ZipPoint
    destination: ZipPoint
    ready_local: datetime

    def great_circle_miles(self) -> float:
        """Miles between the two points along the great circle."""
        return distance_miles(
            (self.origin.lat, self.origin.lon), (self.destination.lat, self.destination.lon)
        )


def resolve_lane(shipment: Shipment, directory: ZipDirectory, now: datetime) -> Lane:
    """Both addresses as ZIP points; the ready time in the origin's time zone."""
    origin = resolve_point(shipment.origin, "shipment.origin", directory)
    dest = resolve_point(shipment.destination, "shipment.destination", directory)
    return Lane(origin, dest, ready_at(origin, shipment.ship_at or now))


def resolve_point(address: Address, where: str, directory: ZipDirectory) -> ZipPoint:
    """A US address as its ZIP point (its own coordinates when given); an InputError naming
    ``where`` for another country, an unknown ZIP, or a state the ZIP is not in."""
    if address.country not in SUPPORTED_COUNTRIES:
        raise InputError(
            Problem(f"{where}.country", f"country {address.country!r} is not supported (US only)")
        )
    point = directory.resolve(address.postal_code, f"{where}.postal_code")
    if address.state is not None and address.state != point.state:
        raise InputError(
            Problem(f"{where}.state", f"ZIP {point.zip5} is in {point.state}, not {address.state}")
        )
    if address.coordinates is not None:
        c = address.coordinates
        point = ZipPoint(point.zip5, c.lat, c.lon, point.state, point.timezone, False)
    return point


def ready_at(origin: ZipPoint, ship_at: datetime) -> datetime:
    """``ship_at`` in the origin's time zone (a naive time is read there)."""
    tz = zone_info(origin.timezone or "America/New_York", "shipment.origin.postal_code")
    return local_time(ship_at, tz)


def coverage_problem(service: Service, lane: Lane) -> str | None:
    """Why ``service`` does not serve ``lane`` (None: it does)."""
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
