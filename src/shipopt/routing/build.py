"""Turn a routing request into solver data (the one place where units become integers) and the
solver's routes back into a readable plan.

Scaling: distances in whole metres, times in whole seconds (since midnight), weights in grams,
volumes in millilitres, costs in millionths of the currency unit for the solver's objective only.
Reported costs are recomputed exactly from metres and seconds and rounded half-up to the cent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import time
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from shipopt.domain.routing import (
    DroppedStop,
    PlannedRoute,
    RoutingRequest,
    RoutingResult,
    StopVisit,
)
from shipopt.errors import InputError, Problem
from shipopt.geo import ZipDirectory, distance_matrix_miles
from shipopt.routing.data import HORIZON, RouteSet, RoutingData, VehicleTypeData
from shipopt.routing.evaluate import Evaluation
from shipopt.units import CENT, Mass

MICRO = Decimal(1_000_000)
BIG_CAP = 2**40


@dataclass(frozen=True)
class Built:
    data: RoutingData
    ids: list[str]  # location index -> depot or stop id
    type_ids: list[str]
    unserviceable: list[DroppedStop]


def seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def clock(s: int) -> time:
    s = max(0, min(s, 86_399))
    return time(s // 3600, s % 3600 // 60, s % 60)


def _int(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def place_points(request: RoutingRequest, directory: ZipDirectory | None) -> np.ndarray:
    """(lat, lon) of every depot then every stop, in request order."""
    places = [("depots", k, d.place) for k, d in enumerate(request.depots)]
    places += [("stops", k, s.place) for k, s in enumerate(request.stops)]
    out = np.zeros((len(places), 2))
    for row, (group, k, place) in enumerate(places):
        if place.coordinates is not None:
            out[row] = (place.coordinates.lat, place.coordinates.lon)
        elif place.postal_code is not None:
            if directory is None:
                from shipopt.geo import default_zip_directory

                directory = default_zip_directory()
            p = directory.resolve(place.postal_code, f"{group}[{k}].place.postal_code")
            out[row] = (p.lat, p.lon)
        else:
            raise InputError(
                Problem(
                    f"{group}[{k}].place", "needs coordinates or a postal_code (or give a matrix)"
                )
            )
    return out


def _pairs(request: RoutingRequest) -> dict[int, int]:
    """Pickup stop index -> delivery stop index, from each delivery's ``picked_up_at``."""
    index = {s.id: k for k, s in enumerate(request.stops)}
    pairs: dict[int, int] = {}
    for k, stop in enumerate(request.stops):
        if stop.picked_up_at is None:
            continue
        where = f"stops[{k}].picked_up_at"
        p = index.get(stop.picked_up_at)
        if p is None:
            raise InputError(Problem(where, f"unknown stop {stop.picked_up_at!r}"))
        if p == k or request.stops[p].picked_up_at is not None:
            raise InputError(
                Problem(where, "must name a pickup stop that is not itself a delivery of a pair")
            )
        if p in pairs:
            raise InputError(
                Problem(where, f"stop {stop.picked_up_at!r} is already the pickup of another stop")
            )
        pairs[p] = k
    return pairs


Dimension = tuple[str, list[int], list[int | None]]  # name, demand per stop, cap per type


def build(request: RoutingRequest, directory: ZipDirectory | None = None) -> Built:
    """The request as solver data: the serviceable stops (stops above every vehicle's capacity,
    and the other end of their pairs, reported apart), integer matrices, demands, windows,
    penalties and vehicle types."""
    depot_ids = [d.id for d in request.depots]
    ids = depot_ids + [s.id for s in request.stops]
    _check_ids(request, depot_ids, ids)
    distance, duration, coords = _matrices(request, ids, directory)
    dims = _dimensions(request)
    pair_of = _pairs(request)  # pickup stop index -> delivery stop index
    keep, unserviceable = _serviceable(request, dims, pair_of)
    n_depots = len(depot_ids)
    locs = list(range(n_depots)) + [n_depots + k for k in keep]
    row_of = {loc: row for row, loc in enumerate(locs)}
    demand = np.zeros((len(locs), max(1, len(dims))), dtype=np.int64)
    for d, (_, values, _) in enumerate(dims):
        for row, k in enumerate(keep, start=n_depots):
            demand[row, d] = values[pair_of.get(k, k)]
    windows, service, required, penalty = _stop_rows(request, keep, pair_of, n_depots)
    data = RoutingData(
        n_depots=n_depots,
        distance=distance[np.ix_(locs, locs)],
        duration=duration[np.ix_(locs, locs)],
        demand=demand,
        service=np.array(service, dtype=np.int64),
        windows=windows,
        required=np.array(required),
        penalty=np.array(penalty, dtype=np.int64),
        vehicle_types=_vehicle_types(request, dims, depot_ids),
        names=[ids[i] for i in locs],
        coords=coords[locs] if coords is not None else None,
        pairs=tuple(
            (row_of[n_depots + p], row_of[n_depots + d])
            for p, d in sorted(pair_of.items())
            if n_depots + p in row_of and n_depots + d in row_of
        ),
    )
    return Built(data, [ids[i] for i in locs], [v.id for v in request.vehicle_types], unserviceable)


def _check_ids(request: RoutingRequest, depot_ids: list[str], ids: list[str]) -> None:
    """Unique ids, some vehicle, and vehicle types on known depots."""
    dup = sorted(i for i, n in Counter(ids).items() if n > 1)
    if dup:
        raise InputError(
            Problem("stops", f"ids must be unique across depots and stops: {', '.join(dup)}")
        )
    if sum(v.count for v in request.vehicle_types) == 0:
        raise InputError(Problem("vehicle_types", "no vehicles: every vehicle type has count 0"))
    for k, vt in enumerate(request.vehicle_types):
        for field, dep in (("depot", vt.depot), ("end_depot", vt.end_depot)):
            if dep is not None and dep not in depot_ids:
                raise InputError(Problem(f"vehicle_types[{k}].{field}", f"unknown depot {dep!r}"))


def _matrices(
    request: RoutingRequest, ids: list[str], directory: ZipDirectory | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Metres and seconds between every location (in ``ids`` order): the request's matrix, or
    great-circle miles times the circuity at the request's speed; the points when computed."""
    if request.matrix is None:
        coords = place_points(request, directory)
        miles = distance_matrix_miles(coords[:, 0], coords[:, 1])
        metres = miles * 1609.344 * float(request.circuity)
        distance = np.floor(metres + 0.5).astype(np.int64)
        duration = np.floor(metres / (float(request.speed_kmh) / 3.6) + 0.5).astype(np.int64)
        return distance, duration, coords
    index = {i: k for k, i in enumerate(request.matrix.ids)}
    missing = [i for i in ids if i not in index]
    if missing:
        raise InputError(Problem("matrix.ids", f"no matrix entry for {', '.join(missing)}"))
    order = [index[i] for i in ids]
    km = np.array([[request.matrix.distances_km[a][b] for b in order] for a in order], dtype=object)
    minutes = np.array(
        [[request.matrix.durations_minutes[a][b] for b in order] for a in order], dtype=object
    )
    distance = np.vectorize(lambda v: _int(v * 1000), otypes=[np.int64])(km)
    duration = np.vectorize(lambda v: _int(v * 60), otypes=[np.int64])(minutes)
    return distance, duration, None


def _dimensions(request: RoutingRequest) -> list[Dimension]:
    """The capacity dimensions some vehicle type limits: grams, millilitres, parcels."""
    stops, types = request.stops, request.vehicle_types
    dims: list[Dimension] = []
    if any(v.capacity_weight is not None for v in types):
        grams = [s.weight.ng // 10**9 for s in stops]
        caps = [v.capacity_weight.ng // 10**9 if v.capacity_weight else None for v in types]
        dims.append(("weight", grams, caps))
    if any(v.capacity_volume_liters is not None for v in types):
        ml = [_int(s.volume_liters * 1000) for s in stops]
        room = [
            _int(v.capacity_volume_liters * 1000) if v.capacity_volume_liters is not None else None
            for v in types
        ]
        dims.append(("volume", ml, room))
    if any(v.capacity_parcels is not None for v in types):
        dims.append(("parcels", [s.parcels for s in stops], [v.capacity_parcels for v in types]))
    return dims


def _serviceable(
    request: RoutingRequest, dims: list[Dimension], pair_of: dict[int, int]
) -> tuple[list[int], list[DroppedStop]]:
    """The stop indexes some vehicle can carry, and the others with why (a pair goes whole)."""
    delivery_of = {d: p for p, d in pair_of.items()}
    unserviceable: list[DroppedStop] = []
    keep = []
    for k, stop in enumerate(request.stops):
        owner = pair_of.get(k, k)  # a pickup carries its delivery's goods
        too_big = [
            name
            for name, demand, caps in dims
            if all(c is not None and demand[owner] > c for c in caps)
        ]
        if too_big:
            reason = f"{' and '.join(too_big)} above every vehicle's capacity"
            unserviceable.append(
                DroppedStop(stop=stop.id, penalty=stop.drop_penalty, reason=reason)
            )
        else:
            keep.append(k)
    dropped_ids = {u.stop for u in unserviceable}
    keep = [
        k
        for k in keep
        if request.stops[delivery_of.get(k, pair_of.get(k, k))].id not in dropped_ids
        and request.stops[k].id not in dropped_ids
    ]
    for k in range(len(request.stops)):  # the other end of an unserviceable pair goes too
        other = pair_of.get(k, delivery_of.get(k))
        if (
            other is not None
            and request.stops[other].id in dropped_ids
            and request.stops[k].id not in dropped_ids
        ):
            reason = f"its pair {request.stops[other].id} cannot be served"
            unserviceable.append(DroppedStop(stop=request.stops[k].id, penalty=None, reason=reason))
            dropped_ids.add(request.stops[k].id)
    return keep, unserviceable


def _stop_rows(
    request: RoutingRequest, keep: list[int], pair_of: dict[int, int], n_depots: int
) -> tuple[list[tuple[tuple[int, int], ...]], list[int], list[bool], list[int]]:
    """Per location (depots first, then the kept stops): merged time windows in seconds, service
    seconds, whether required, and the drop penalty in millionths (a pair's on its delivery)."""
    windows: list[tuple[tuple[int, int], ...]] = [((0, HORIZON),)] * n_depots
    service = [0] * n_depots
    required = [False] * n_depots
    penalty = [0] * n_depots
    for k in keep:
        stop = request.stops[k]
        wins = sorted((seconds(w.start), seconds(w.end)) for w in stop.time_windows)
        merged: list[tuple[int, int]] = []
        for a, b in wins:
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        windows.append(tuple(merged) or ((0, HORIZON),))
        service.append(_int(stop.service_minutes * 60))
        pair_owner = request.stops[pair_of.get(k, k)]  # a pair is required or dropped as a whole
        required.append(pair_owner.drop_penalty is None)
        price = pair_owner.drop_penalty if k not in pair_of else None  # the delivery carries it
        penalty.append(_int(price * MICRO) if price is not None else 0)
    return windows, service, required, penalty


def _vehicle_types(
    request: RoutingRequest, dims: list[Dimension], depot_ids: list[str]
) -> list[VehicleTypeData]:
    """Each vehicle type in solver units: capacities per dimension, costs in millionths."""
    return [
        VehicleTypeData(
            count=v.count,
            capacity=tuple(BIG_CAP if caps[t] is None else int(caps[t] or 0) for _, _, caps in dims)
            or (BIG_CAP,),
            start=depot_ids.index(v.depot),
            end=depot_ids.index(v.end_depot or v.depot),
            fixed_cost=_int(v.fixed_cost * MICRO),
            unit_distance_cost=_int(v.cost_per_km * MICRO / 1000),
            unit_duration_cost=_int(v.cost_per_hour * MICRO / 3600),
            shift_start=seconds(v.shift_start),
            shift_end=seconds(v.shift_end),
            max_duration=v.max_duration_minutes * 60 if v.max_duration_minutes else None,
            max_distance=_int(Decimal(v.max_distance.nm) / 10**9) if v.max_distance else None,
            name=v.id,
        )
        for t, v in enumerate(request.vehicle_types)
    ]


def report(
    request: RoutingRequest, built: Built, routes: RouteSet, ev: Evaluation
) -> RoutingResult:
    data = built.data
    stops = {s.id: s for s in request.stops}
    planned = []
    for r in ev.routes:
        vt = request.vehicle_types[r.vehicle_type]
        km = Decimal(r.distance) / 1000
        hours = Decimal(r.duration) / 3600
        cost = (vt.fixed_cost + vt.cost_per_km * km + vt.cost_per_hour * hours).quantize(
            CENT, ROUND_HALF_UP
        )
        visit_ids = [built.ids[v.location] for v in r.visits]
        planned.append(
            PlannedRoute(
                vehicle_type=vt.id,
                depot=built.ids[data.vehicle_types[r.vehicle_type].start],
                visits=[
                    StopVisit(
                        stop=built.ids[v.location],
                        arrival=clock(v.arrival),
                        service_start=clock(v.start),
                        departure=clock(v.departure),
                    )
                    for v in r.visits
                ],
                departure=clock(r.departure),
                return_time=clock(r.return_time),
                distance_km=km.quantize(Decimal("0.001")),
                duration_minutes=(Decimal(r.duration) / 60).quantize(Decimal("0.1")),
                cost=cost,
                load_weight=Mass(sum(stops[i].weight.ng for i in visit_ids)),
                load_parcels=sum(stops[i].parcels for i in visit_ids),
            )
        )
    dropped = list(built.unserviceable)
    why = (
        routes.failure
        or "cheaper to leave to a carrier (drop penalty below the cost of serving it)"
    )
    dropped += [
        DroppedStop(stop=built.ids[loc], penalty=stops[built.ids[loc]].drop_penalty, reason=why)
        for loc in ev.dropped
    ]
    total = sum((r.cost for r in planned), Decimal(0))
    total += sum((d.penalty for d in dropped if d.penalty is not None), Decimal(0))
    return RoutingResult(
        routes=planned,
        dropped=dropped,
        total_cost=total,
        total_distance_km=sum((r.distance_km for r in planned), Decimal(0)),
        vehicles_used=len(planned),
        solver=routes.solver,
        feasible=ev.feasible and not any(d.penalty is None for d in dropped),
        violations=list(ev.violations),
        note=routes.failure or routes.note,
    )
