"""OR-Tools routing backend (the only module that imports ortools' routing library).

Supports everything in :class:`RoutingData`, including several time windows per stop (gaps are
removed from the time dimension). First solution by parallel cheapest insertion when stops have
time windows (path cheapest arc otherwise), then guided local search until the time limit.
OR-Tools' routing search takes no seed; it is deterministic for a given input and time limit
except where the limit cuts the search.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from shipopt.routing.data import HORIZON, Route, RouteSet, RoutingData

CAP = 2**40


@dataclass
class _Model:
    """The OR-Tools model of one instance: one vehicle per unit of each type's count."""

    data: RoutingData
    types: list[int]  # vehicle -> vehicle type
    manager: pywrapcp.RoutingIndexManager
    model: pywrapcp.RoutingModel

    def node(self, index: int) -> int:
        return int(self.manager.IndexToNode(index))


def solve_ortools(data: RoutingData, time_limit: float, seed: int) -> RouteSet:
    """Routes for ``data`` within ``time_limit`` seconds (``seed`` unused: see the module)."""
    del seed  # no seed parameter in OR-Tools routing
    types = [t for t, vt in enumerate(data.vehicle_types) for _ in range(vt.count)]
    if not types:
        return RouteSet((), tuple(data.stops), "ortools", failure="no vehicles")
    starts = [data.vehicle_types[t].start for t in types]
    ends = [data.vehicle_types[t].end for t in types]
    manager = pywrapcp.RoutingIndexManager(data.n, len(types), starts, ends)
    m = _Model(data, types, manager, pywrapcp.RoutingModel(manager))
    _arc_costs(m)
    time_dim = _time(m)
    _loads(m)
    for pickup, delivery in data.pairs:
        p_idx, d_idx = manager.NodeToIndex(pickup), manager.NodeToIndex(delivery)
        m.model.AddPickupAndDelivery(p_idx, d_idx)
        m.model.solver().Add(m.model.VehicleVar(p_idx) == m.model.VehicleVar(d_idx))
        m.model.solver().Add(time_dim.CumulVar(p_idx) <= time_dim.CumulVar(d_idx))
    _distance_limits(m)
    _drops(m)
    solution = m.model.SolveWithParameters(_parameters(data, time_limit))
    if solution is None:
        return RouteSet(
            (), tuple(data.stops), "ortools", failure="no solution found within the time limit"
        )
    return _routes(m, solution)


def _arc_costs(m: _Model) -> None:
    """Each vehicle's arc cost (distance only: time is priced on the route's span) and fixed
    cost."""
    dist = m.data.distance

    def register(t: int) -> int:
        unit = m.data.vehicle_types[t].unit_distance_cost

        def cb(i: int, j: int) -> int:
            return int(unit * dist[m.node(i), m.node(j)])

        return int(m.model.RegisterTransitCallback(cb))

    cost_index = {t: register(t) for t in set(m.types)}
    for v, t in enumerate(m.types):
        m.model.SetArcCostEvaluatorOfVehicle(cost_index[t], v)
        m.model.SetFixedCostOfVehicle(m.data.vehicle_types[t].fixed_cost, v)


def _time(m: _Model) -> pywrapcp.RoutingDimension:
    """The time dimension: travel plus service, stops' windows (gaps removed), shifts, maximum
    durations, and the span priced per vehicle (waiting included)."""
    data, dur, service = m.data, m.data.duration, m.data.service

    def time_cb(i: int, j: int) -> int:
        a, b = m.node(i), m.node(j)
        return int(service[a] + dur[a, b])

    time_index = m.model.RegisterTransitCallback(time_cb)
    finite = [w[-1][1] for w in data.windows if w[-1][1] < HORIZON]
    finite += [vt.shift_end for vt in data.vehicle_types if vt.shift_end < HORIZON]
    horizon = max(finite) + 1 if finite else int(dur.max()) * data.n + int(service.sum()) + 1
    m.model.AddDimension(time_index, horizon, horizon, False, "time")
    time_dim = m.model.GetDimensionOrDie("time")
    for loc in data.stops:
        wins = data.windows[loc]
        var = time_dim.CumulVar(m.manager.NodeToIndex(loc))
        var.SetRange(min(wins[0][0], horizon), min(wins[-1][1], horizon))
        for (_, late), (early, _) in pairwise(wins):
            if early - 1 >= late + 1:
                var.RemoveInterval(late + 1, early - 1)
    for v, t in enumerate(m.types):
        vt = data.vehicle_types[t]
        start, end = m.model.Start(v), m.model.End(v)
        shift = (min(vt.shift_start, horizon), min(vt.shift_end, horizon))
        time_dim.CumulVar(start).SetRange(*shift)
        time_dim.CumulVar(end).SetRange(*shift)
        if vt.max_duration is not None:
            m.model.solver().Add(
                time_dim.CumulVar(end) - time_dim.CumulVar(start) <= vt.max_duration
            )
        # duration = return - departure, waiting included: the cost per hour of the schedule
        time_dim.SetSpanCostCoefficientForVehicle(int(vt.unit_duration_cost), v)
        m.model.AddVariableMinimizedByFinalizer(time_dim.CumulVar(end))
        m.model.AddVariableMaximizedByFinalizer(time_dim.CumulVar(start))
    return time_dim


def _loads(m: _Model) -> None:
    """One load dimension per capacity: the vehicle leaves with what it delivers from the depot
    (a free start value), each depot delivery lowers it, a pickup raises it, the paired delivery
    lowers it; 0 <= load <= capacity."""
    pickups = {p for p, _ in m.data.pairs}
    for d in range(m.data.dims):

        def demand_cb(i: int, d: int = d) -> int:
            node = m.node(i)
            q = int(m.data.demand[node, d])
            return q if node in pickups else -q

        idx = m.model.RegisterUnaryTransitCallback(demand_cb)
        caps = [m.data.vehicle_types[t].capacity[d] for t in m.types]
        m.model.AddDimensionWithVehicleCapacity(idx, 0, caps, False, f"load{d}")
        load_dim = m.model.GetDimensionOrDie(f"load{d}")
        for v in range(len(m.types)):
            load_dim.CumulVar(m.model.End(v)).SetMin(0)


def _distance_limits(m: _Model) -> None:
    """A distance dimension when some vehicle type has a maximum distance."""
    types = m.data.vehicle_types
    if all(vt.max_distance is None for vt in types):
        return
    dist = m.data.distance

    def dist_cb(i: int, j: int) -> int:
        return int(dist[m.node(i), m.node(j)])

    didx = m.model.RegisterTransitCallback(dist_cb)
    caps = [types[t].max_distance or CAP for t in m.types]
    m.model.AddDimensionWithVehicleCapacity(didx, 0, caps, True, "distance")


def _drops(m: _Model) -> None:
    """Every stop may be left out: optional ones at their penalty, required ones at a penalty
    above any route cost, so that the search always has a first solution (the evaluator then
    reports a required stop left out as infeasible)."""
    data, types = m.data, m.data.vehicle_types
    routes_bound = int(data.distance.sum()) + len(m.types) * max(vt.fixed_cost for vt in types)
    unit = max(1, max(vt.unit_distance_cost + vt.unit_duration_cost for vt in types))
    must = int(min(2**62, 10 * (routes_bound + 1) * unit))
    for loc in data.stops:
        penalty = must if data.required[loc] else int(data.penalty[loc])
        m.model.AddDisjunction([m.manager.NodeToIndex(loc)], penalty)


def _parameters(data: RoutingData, time_limit: float) -> Any:
    """Parallel cheapest insertion with time windows (path cheapest arc otherwise), then guided
    local search until the time limit."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    windowed = any(w[0][0] > 0 or w[-1][1] < HORIZON for w in data.windows[data.n_depots :])
    strategies = routing_enums_pb2.FirstSolutionStrategy
    params.first_solution_strategy = (
        strategies.PARALLEL_CHEAPEST_INSERTION if windowed else strategies.PATH_CHEAPEST_ARC
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    return params


def _routes(m: _Model, solution: Any) -> RouteSet:
    """The solution's non-empty routes, and the stops no route visits."""
    routes, visited = [], set()
    for v, t in enumerate(m.types):
        visits = []
        idx = solution.Value(m.model.NextVar(m.model.Start(v)))
        while not m.model.IsEnd(idx):
            visits.append(m.node(idx))
            idx = solution.Value(m.model.NextVar(idx))
        if visits:
            routes.append(Route(t, tuple(visits)))
            visited.update(visits)
    return RouteSet(
        tuple(routes), tuple(loc for loc in m.data.stops if loc not in visited), "ortools"
    )
