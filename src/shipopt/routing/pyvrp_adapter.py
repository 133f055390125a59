"""PyVRP backend (the only module that imports pyvrp).

Supports capacities in several dimensions, one time window per stop, vehicle types with fixed and
unit costs, shifts, maximum duration and distance, several depots, and optional stops (a stop's
drop penalty becomes its prize). Not supported here: stops with more than one time window, and
pickup-and-delivery pairs (``auto`` then uses OR-Tools).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from shipopt.routing.data import HORIZON, Route, RouteSet, RoutingData

BIG = 2**62


def supported(data: RoutingData) -> str | None:
    """Why PyVRP cannot take this problem, or None."""
    if not data.single_windows():
        return "a stop has more than one time window"
    if data.pairs:
        return "pickup-and-delivery pairs are modelled only with the OR-Tools backend"
    return None


def solve_pyvrp(
    data: RoutingData, time_limit: float, seed: int, iterations: int | None = None
) -> RouteSet:
    """``iterations``: also stop after that many search iterations (whichever comes first), for
    answers that do not depend on the machine's speed."""
    import pyvrp
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    why = supported(data)
    if why:
        return RouteSet((), tuple(data.stops), "pyvrp", failure=f"not supported: {why}")
    coords = data.coords if data.coords is not None else np.zeros((data.n, 2))
    locations = [pyvrp.Location(float(x), float(y)) for x, y in coords]
    depots = [
        pyvrp.Depot(d, tw_early=data.windows[d][0][0], tw_late=min(data.windows[d][0][1], BIG))
        for d in range(data.n_depots)
    ]
    clients = [
        pyvrp.Client(
            loc,
            delivery=[int(q) for q in data.demand[loc]],
            service_duration=int(data.service[loc]),
            tw_early=data.windows[loc][0][0],
            tw_late=min(data.windows[loc][0][1], BIG),
            prize=int(data.penalty[loc]),
            required=bool(data.required[loc]),
        )
        for loc in data.stops
    ]
    types = [
        pyvrp.VehicleType(
            num_available=vt.count,
            capacity=list(vt.capacity),
            start_depot=vt.start,
            end_depot=vt.end,
            fixed_cost=vt.fixed_cost,
            tw_early=vt.shift_start,
            tw_late=min(vt.shift_end, BIG) if vt.shift_end < HORIZON else BIG,
            shift_duration=vt.max_duration if vt.max_duration is not None else BIG,
            max_distance=vt.max_distance if vt.max_distance is not None else BIG,
            unit_distance_cost=vt.unit_distance_cost,
            unit_duration_cost=vt.unit_duration_cost,
        )
        for vt in data.vehicle_types
    ]
    matrices: list[Any] = [
        np.asarray(data.distance, dtype=np.int64),
        np.asarray(data.duration, dtype=np.int64),
    ]
    problem = pyvrp.ProblemData(locations, clients, depots, types, matrices[:1], matrices[1:])
    stop = (
        MultipleCriteria([MaxIterations(iterations), MaxRuntime(time_limit)])
        if iterations is not None
        else MaxRuntime(time_limit)
    )
    with warnings.catch_warnings():  # e.g. PenaltyBoundWarning: advice for PyVRP's own users
        warnings.simplefilter("ignore")
        result = pyvrp.solve(problem, stop, seed=seed, collect_stats=False, display=False)
    if not result.is_feasible():
        return RouteSet(
            (),
            tuple(data.stops),
            "pyvrp",
            failure="no feasible solution found within the time limit",
        )
    routes = []
    visited: set[int] = set()
    for route in result.best.routes():
        visits = tuple(data.n_depots + a.idx for a in route.schedule() if a.is_client())
        visited.update(visits)
        routes.append(Route(route.vehicle_type(), visits))
    dropped = tuple(loc for loc in data.stops if loc not in visited)
    return RouteSet(tuple(routes), dropped, "pyvrp")
