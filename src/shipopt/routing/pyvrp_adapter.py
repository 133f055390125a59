"""PyVRP backend (the only module that imports pyvrp).

Supports capacities in several dimensions, one time window per stop, vehicle types with fixed and
unit costs, shifts, maximum duration and distance, several depots, and optional stops (a stop's
drop penalty becomes its prize). Not supported here: stops with more than one time window, and
pickup-and-delivery pairs (``auto`` then uses OR-Tools).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np

from shipopt.routing.data import HORIZON, Route, RouteSet, RoutingData

BIG = 2**62
SHORT_HISTORY = 50  # late-acceptance history of the second search on a core (PyVRP's: 300)


LARGE = 1000  # stops; above it the search starts from a construction
START_SECONDS_PER_PAIR = 6e-8  # the quick construction: about 1.3 s at 5,000
SETUP_SECONDS_PER_PAIR = 2.6e-7  # PyVRP's own setup (neighbourhood, search state): 6.3 s at 5,000


def _start(data: RoutingData, problem: Any) -> Any:
    """PyVRP's start for a large request: the quick nearest-neighbour construction."""
    import pyvrp

    from shipopt.routing.baselines import quick_nearest

    routes = quick_nearest(data).routes  # PyVRP numbers clients from 0, after the depots
    return pyvrp.Solution(
        problem,
        [
            pyvrp.Route(problem, [v - data.n_depots for v in r.visits], r.vehicle_type)
            for r in routes
        ],
    )


def supported(data: RoutingData) -> str | None:
    """Why PyVRP cannot take this problem, or None."""
    if not data.single_windows():
        return "a stop has more than one time window"
    if data.pairs:
        return "pickup-and-delivery pairs are modelled only with the OR-Tools backend"
    return None


def _params(history: int | None) -> Any:
    """PyVRP's solver parameters: its defaults, or a shorter late-acceptance history."""
    from pyvrp.IteratedLocalSearch import IteratedLocalSearchParams
    from pyvrp.solve import SolveParams

    if history is None:
        return SolveParams()
    return SolveParams(ils=IteratedLocalSearchParams(history_length=history))


def solve_pyvrp(
    data: RoutingData,
    time_limit: float,
    seed: int,
    iterations: int | None = None,
    history: int | None = None,
) -> RouteSet:
    """``iterations``: also stop after that many search iterations (whichever comes first), for
    answers that do not depend on the machine's speed; ``history``: the late-acceptance history
    length (PyVRP's default when None)."""
    import pyvrp
    from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

    began = time.perf_counter()
    why = supported(data)
    if why:
        return RouteSet((), tuple(data.stops), "pyvrp", failure=f"not supported: {why}")
    setup = SETUP_SECONDS_PER_PAIR * len(data.stops) ** 2
    if len(data.stops) > LARGE and setup > time_limit - START_SECONDS_PER_PAIR * data.n**2:
        from shipopt.routing.baselines import quick_nearest

        quick = quick_nearest(data)
        note = f"{time_limit:.1f} s is too short for a search on {len(data.stops)} stops"
        return RouteSet(quick.routes, quick.dropped, "pyvrp", note=f"{note}: a construction")
    problem = _problem(data)
    start = None
    runtime = time_limit
    if len(data.stops) > LARGE:
        # PyVRP would polish a random start to a local optimum before its clock runs (12 s for
        # 5,000 stops) and computes its granular neighbourhood (O(n^2)) first: start it from the
        # quick construction and leave time for the neighbourhood
        start = _start(data, problem)
        spent = time.perf_counter() - began
        runtime = max(time_limit - spent - SETUP_SECONDS_PER_PAIR * len(data.stops) ** 2, 0.05)
    stop = (
        MultipleCriteria([MaxIterations(iterations), MaxRuntime(runtime)])
        if iterations is not None
        else MaxRuntime(runtime)
    )
    with warnings.catch_warnings():  # e.g. PenaltyBoundWarning: advice for PyVRP's own users
        warnings.simplefilter("ignore")
        result = pyvrp.solve(
            problem, stop, seed=seed, collect_stats=False, display=False, initial_solution=start,
            params=_params(history),
        )  # fmt: skip
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


_WORKER: dict[str, Any] = {}  # per process: the request and its PyVRP problem (open_worker)


def open_worker(data: RoutingData) -> None:
    """Process-pool initializer for the cooperative search: the problem, built once."""
    _WORKER["data"] = data
    _WORKER["problem"] = _problem(data)


def search_whole(seconds: float, seed: int, history: int | None = None) -> RouteSet:
    """PyVRP on the worker's whole request (``open_worker``)."""
    return solve_pyvrp(_WORKER["data"], seconds, seed, history=history)


def search_part(
    routes: tuple[Route, ...],
    stops: tuple[int, ...],
    spare: tuple[int, ...],
    seconds: float,
    seed: int,
) -> tuple[Route, ...]:
    """PyVRP on part of the worker's request: ``stops`` only (those ``routes`` serve, and any
    left out), the vehicles those routes use plus ``spare`` of each type, starting from
    ``routes``. Its routes, never worse than the start (PyVRP keeps the best it has seen)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    data: RoutingData = _WORKER["data"]
    full = _WORKER["problem"]
    clients = full.clients()
    index = {loc: k for k, loc in enumerate(stops)}
    counts = [spare[t] for t in range(len(data.vehicle_types))]
    for r in routes:
        counts[r.vehicle_type] += 1
    kept = [t for t, c in enumerate(counts) if c > 0]  # PyVRP needs at least one of each type
    position = {t: k for k, t in enumerate(kept)}
    types = [full.vehicle_types()[t].replace(num_available=counts[t]) for t in kept]
    part = full.replace(
        clients=[clients[loc - data.n_depots] for loc in stops], vehicle_types=types
    )
    start = pyvrp.Solution(
        part,
        [pyvrp.Route(part, [index[v] for v in r.visits], position[r.vehicle_type]) for r in routes],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pyvrp.solve(
            part, MaxRuntime(seconds), seed=seed, collect_stats=False, display=False,
            initial_solution=start,
        )  # fmt: skip
    best = result.best if result.is_feasible() else start
    return tuple(
        Route(kept[r.vehicle_type()], tuple(stops[a.idx] for a in r.schedule() if a.is_client()))
        for r in best.routes()
    )


def _problem(data: RoutingData) -> Any:
    """``data`` as PyVRP's problem: depots, clients (a drop penalty is the prize), vehicle
    types, and the distance and duration matrices."""
    import pyvrp

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
    return pyvrp.ProblemData(locations, clients, depots, types, matrices[:1], matrices[1:])
