"""Schedule, cost and check a set of routes against the problem data, independently of any solver.

Each route is scheduled for the least duration: serving every stop at the earliest moment its
windows allow from the shift start, then leaving the depot later by as much of the route's
waiting as the windows (and the shift end) let it absorb: the forward time slack of Savelsbergh
(1992). Route duration is return time minus departure time.

``evaluate`` is one function (about 90 lines) on purpose: the checker reads as the list of rules
it checks, route by route, and shares no step with the solvers.
"""

from __future__ import annotations

from dataclasses import dataclass

from shipopt.routing.data import HORIZON, RouteSet, RoutingData, VehicleTypeData


@dataclass(frozen=True)
class Visit:
    location: int
    arrival: int
    start: int  # service start (after waiting)
    departure: int


@dataclass(frozen=True)
class RouteReport:
    vehicle_type: int
    visits: tuple[Visit, ...]
    departure: int
    return_time: int
    distance: int
    duration: int
    load: tuple[int, ...]  # the peak load along the route
    cost: int


@dataclass(frozen=True)
class Evaluation:
    routes: tuple[RouteReport, ...]
    dropped: tuple[int, ...]
    distance: int
    cost: int  # routes plus drop penalties
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return not self.violations


def _start_at(windows: tuple[tuple[int, int], ...], arrival: int) -> int | None:
    for early, late in windows:
        if arrival <= late:
            return max(arrival, early)
    return None


def _latest_departure(data: RoutingData, vt: VehicleTypeData, visits: tuple[int, ...]) -> int:
    """The departure of the least-duration schedule: from the shift start, each stop served as
    early as its windows allow; a later departure delays stop k by what exceeds the waiting
    before it, so the route may leave later by min(total waiting, forward time slack), where
    the slack is the least over the stops (and the return) of waiting so far + (window end -
    service start). Waiting absorbed is duration saved; the return time does not change."""
    t, prev, waited = vt.shift_start, vt.start, 0
    slack = HORIZON
    for loc in visits:
        arrival = t + int(data.duration[prev, loc])
        start = _start_at(data.windows[loc], arrival)
        if start is None:
            return vt.shift_start  # infeasible anyway: report the earliest schedule
        waited += start - arrival
        late = next(late for early, late in data.windows[loc] if start <= late)
        slack = min(slack, waited + late - start)
        t, prev = start + int(data.service[loc]), loc
    back = t + int(data.duration[prev, vt.end])
    slack = min(slack, waited + max(vt.shift_end - back, 0))
    return vt.shift_start + max(min(waited, slack), 0)


def _peak_load(data: RoutingData, visits: tuple[int, ...]) -> tuple[int, ...]:
    """The most the vehicle carries at any point, per dimension: it leaves with every depot
    delivery of the route, drops them stop by stop, and carries paired goods between ends."""
    pickups = {p for p, _ in data.pairs}
    paired = pickups | {d for _, d in data.pairs}
    peak = []
    for d in range(data.dims):
        load = sum(int(data.demand[loc, d]) for loc in visits if loc not in paired)
        top = load
        for loc in visits:
            q = int(data.demand[loc, d])
            load += q if loc in pickups else -q
            top = max(top, load)
        peak.append(top)
    return tuple(peak)


def evaluate(data: RoutingData, result: RouteSet) -> Evaluation:
    """Every violation, with the cost the routes really have."""
    problems: list[str] = []
    seen: dict[int, int] = {}
    reports = []
    used = [0] * len(data.vehicle_types)
    for r_idx, route in enumerate(result.routes):
        if not 0 <= route.vehicle_type < len(data.vehicle_types):
            problems.append(f"route {r_idx}: unknown vehicle type {route.vehicle_type}")
            continue
        vt = data.vehicle_types[route.vehicle_type]
        used[route.vehicle_type] += 1
        if not route.visits:
            continue
        for loc in route.visits:
            if not data.n_depots <= loc < data.n:
                problems.append(f"route {r_idx}: {loc} is not a stop")
            seen[loc] = seen.get(loc, 0) + 1
        if any(not data.n_depots <= loc < data.n for loc in route.visits):
            continue
        departure = _latest_departure(data, vt, route.visits)
        t, prev, dist, visits = departure, vt.start, 0, []
        for loc in route.visits:
            dist += int(data.distance[prev, loc])
            arrival = t + int(data.duration[prev, loc])
            start = _start_at(data.windows[loc], arrival)
            if start is None:
                problems.append(
                    f"route {r_idx}: reaches {data.name(loc)} at {arrival}, after its windows"
                )
                start = arrival
            t = start + int(data.service[loc])
            visits.append(Visit(loc, arrival, start, t))
            prev = loc
        dist += int(data.distance[prev, vt.end])
        back = t + int(data.duration[prev, vt.end])
        duration = back - departure
        load = _peak_load(data, route.visits)
        if any(l > c for l, c in zip(load, vt.capacity, strict=True)):
            problems.append(f"route {r_idx}: load {load} over capacity {vt.capacity}")
        order = {loc: k for k, loc in enumerate(route.visits)}
        for pickup, delivery in data.pairs:
            if pickup in order and delivery in order and order[pickup] > order[delivery]:
                problems.append(
                    f"route {r_idx}: delivers {data.name(delivery)} before picking it up"
                )
        if back > vt.shift_end:
            problems.append(
                f"route {r_idx}: returns at {back}, after the shift ends at {vt.shift_end}"
            )
        if vt.max_duration is not None and duration > vt.max_duration:
            problems.append(f"route {r_idx}: lasts {duration}, over {vt.max_duration}")
        if vt.max_distance is not None and dist > vt.max_distance:
            problems.append(f"route {r_idx}: drives {dist}, over {vt.max_distance}")
        cost = vt.fixed_cost + vt.unit_distance_cost * dist + vt.unit_duration_cost * duration
        reports.append(
            RouteReport(
                route.vehicle_type, tuple(visits), departure, back, dist, duration, load, cost
            )
        )
    for t_idx, vt in enumerate(data.vehicle_types):
        if used[t_idx] > vt.count:
            problems.append(f"vehicle type {t_idx} used {used[t_idx]} times, {vt.count} available")
    for loc, count in seen.items():
        if count > 1:
            problems.append(f"{data.name(loc)} visited {count} times")
    dropped = tuple(sorted(set(result.dropped)))
    for loc in dropped:
        if loc in seen:
            problems.append(f"{data.name(loc)} both visited and dropped")
        elif data.required[loc]:
            problems.append(f"{data.name(loc)} is required but dropped")
    route_of = {loc: k for k, r in enumerate(result.routes) for loc in r.visits}
    for pickup, delivery in data.pairs:
        if (pickup in route_of) != (delivery in route_of):
            problems.append(
                f"pair {data.name(pickup)}->{data.name(delivery)}: only one end is served"
            )
        elif pickup in route_of and route_of[pickup] != route_of[delivery]:
            problems.append(
                f"pair {data.name(pickup)}->{data.name(delivery)}: served by two vehicles"
            )
    missing = [loc for loc in data.stops if loc not in seen and loc not in dropped]
    problems += [f"{data.name(loc)} neither visited nor dropped" for loc in missing]
    penalty = int(sum(int(data.penalty[loc]) for loc in dropped))
    return Evaluation(
        routes=tuple(reports),
        dropped=dropped,
        distance=sum(r.distance for r in reports),
        cost=sum(r.cost for r in reports) + penalty,
        violations=tuple(problems),
    )
