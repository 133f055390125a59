"""OR-Tools routing backend (the only module that imports ortools' routing library).

Supports everything in :class:`RoutingData`, including several time windows per stop (gaps are
removed from the time dimension). First solution by parallel cheapest insertion when stops have
time windows (path cheapest arc otherwise), then guided local search until the time limit.
OR-Tools' routing search takes no seed; it is deterministic for a given input and time limit
except where the limit cuts the search.
"""

from __future__ import annotations

from itertools import pairwise

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from shipopt.routing.data import HORIZON, Route, RouteSet, RoutingData

CAP = 2**40


def solve_ortools(data: RoutingData, time_limit: float, seed: int) -> RouteSet:
    del seed  # no seed parameter in OR-Tools routing
    starts, ends, types = [], [], []
    for t, vt in enumerate(data.vehicle_types):
        for _ in range(vt.count):
            starts.append(vt.start)
            ends.append(vt.end)
            types.append(t)
    if not types:
        return RouteSet((), tuple(data.stops), "ortools", failure="no vehicles")
    manager = pywrapcp.RoutingIndexManager(data.n, len(types), starts, ends)
    model = pywrapcp.RoutingModel(manager)
    dist = data.distance
    dur = data.duration
    service = data.service

    def cost_cb(t: int):  # type: ignore[no-untyped-def]
        vt = data.vehicle_types[t]

        def cb(i: int, j: int) -> int:  # distance only: time is priced on the route's span
            a, b = manager.IndexToNode(i), manager.IndexToNode(j)
            return int(vt.unit_distance_cost * dist[a, b])

        return model.RegisterTransitCallback(cb)

    cost_index = {t: cost_cb(t) for t in set(types)}
    for v, t in enumerate(types):
        model.SetArcCostEvaluatorOfVehicle(cost_index[t], v)
        model.SetFixedCostOfVehicle(data.vehicle_types[t].fixed_cost, v)

    def time_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return int(service[a] + dur[a, b])

    time_index = model.RegisterTransitCallback(time_cb)
    finite = [w[-1][1] for w in data.windows if w[-1][1] < HORIZON]
    finite += [vt.shift_end for vt in data.vehicle_types if vt.shift_end < HORIZON]
    horizon = max(finite) + 1 if finite else int(dur.max()) * data.n + int(service.sum()) + 1
    model.AddDimension(time_index, horizon, horizon, False, "time")
    time_dim = model.GetDimensionOrDie("time")
    for loc in data.stops:
        idx = manager.NodeToIndex(loc)
        wins = data.windows[loc]
        var = time_dim.CumulVar(idx)
        var.SetRange(min(wins[0][0], horizon), min(wins[-1][1], horizon))
        for (_, late), (early, _) in pairwise(wins):
            if early - 1 >= late + 1:
                var.RemoveInterval(late + 1, early - 1)
    for v, t in enumerate(types):
        vt = data.vehicle_types[t]
        start, end = model.Start(v), model.End(v)
        time_dim.CumulVar(start).SetRange(min(vt.shift_start, horizon), min(vt.shift_end, horizon))
        time_dim.CumulVar(end).SetRange(min(vt.shift_start, horizon), min(vt.shift_end, horizon))
        if vt.max_duration is not None:
            model.solver().Add(time_dim.CumulVar(end) - time_dim.CumulVar(start) <= vt.max_duration)
        # duration = return - departure, waiting included: the cost per hour of the schedule
        time_dim.SetSpanCostCoefficientForVehicle(int(vt.unit_duration_cost), v)
        model.AddVariableMinimizedByFinalizer(time_dim.CumulVar(end))
        model.AddVariableMaximizedByFinalizer(time_dim.CumulVar(start))
    # load: the vehicle leaves with what it delivers from the depot (a free start value), each
    # depot delivery lowers it, a pickup raises it, the paired delivery lowers it; 0 <= load <= cap
    pickups = {p for p, _ in data.pairs}
    for d in range(data.dims):

        def demand_cb(i: int, d: int = d) -> int:
            node = manager.IndexToNode(i)
            q = int(data.demand[node, d])
            return q if node in pickups else -q

        idx = model.RegisterUnaryTransitCallback(demand_cb)
        caps = [data.vehicle_types[t].capacity[d] for t in types]
        model.AddDimensionWithVehicleCapacity(idx, 0, caps, False, f"load{d}")
        load_dim = model.GetDimensionOrDie(f"load{d}")
        for v in range(len(types)):
            load_dim.CumulVar(model.End(v)).SetMin(0)
    for pickup, delivery in data.pairs:
        p_idx, d_idx = manager.NodeToIndex(pickup), manager.NodeToIndex(delivery)
        model.AddPickupAndDelivery(p_idx, d_idx)
        model.solver().Add(model.VehicleVar(p_idx) == model.VehicleVar(d_idx))
        model.solver().Add(time_dim.CumulVar(p_idx) <= time_dim.CumulVar(d_idx))
    if any(vt.max_distance is not None for vt in data.vehicle_types):

        def dist_cb(i: int, j: int) -> int:
            return int(dist[manager.IndexToNode(i), manager.IndexToNode(j)])

        didx = model.RegisterTransitCallback(dist_cb)
        model.AddDimensionWithVehicleCapacity(
            didx, 0, [data.vehicle_types[t].max_distance or CAP for t in types], True, "distance"
        )
    # every stop may be left out: optional ones at their penalty, required ones at a penalty above
    # any route cost, so that the search always has a first solution (the evaluator then reports
    # a required stop left out as infeasible)
    must = int(
        min(
            2**62,
            10
            * (int(dist.sum()) + len(types) * max(vt.fixed_cost for vt in data.vehicle_types) + 1)
            * max(
                1, max(vt.unit_distance_cost + vt.unit_duration_cost for vt in data.vehicle_types)
            ),
        )
    )
    for loc in data.stops:
        penalty = must if data.required[loc] else int(data.penalty[loc])
        model.AddDisjunction([manager.NodeToIndex(loc)], penalty)
    params = pywrapcp.DefaultRoutingSearchParameters()
    windowed = any(w[0][0] > 0 or w[-1][1] < HORIZON for w in data.windows[data.n_depots :])
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
        if windowed
        else routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    solution = model.SolveWithParameters(params)
    if solution is None:
        return RouteSet(
            (), tuple(data.stops), "ortools", failure="no solution found within the time limit"
        )
    routes, visited = [], set()
    for v, t in enumerate(types):
        idx = model.Start(v)
        visits = []
        idx = solution.Value(model.NextVar(idx))
        while not model.IsEnd(idx):
            visits.append(manager.IndexToNode(idx))
            idx = solution.Value(model.NextVar(idx))
        if visits:
            routes.append(Route(t, tuple(visits)))
            visited.update(visits)
    return RouteSet(
        tuple(routes), tuple(loc for loc in data.stops if loc not in visited), "ortools"
    )
