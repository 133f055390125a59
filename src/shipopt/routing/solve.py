"""One entry point for every backend, and ``auto``: both backends (or several seeds) on the
available cores within the same wall time, keeping the best checked answer."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

from shipopt.errors import InputError, Problem
from shipopt.routing.baselines import nearest_neighbour, quick_nearest, savings
from shipopt.routing.cooperative import can_cooperate, cooperative
from shipopt.routing.data import RouteSet, RoutingData
from shipopt.routing.evaluate import Evaluation, evaluate
from shipopt.routing.ortools_adapter import solve_ortools
from shipopt.routing.pyvrp_adapter import solve_pyvrp, supported

SLOW_BASELINES_UP_TO = 1000  # stops; the savings and nearest baselines check every step
ONE_SEARCH_ABOVE = 2000  # stops; a search per core would copy matrices of n^2 per process
SolverName = Literal["ortools", "pyvrp", "auto", "savings", "nearest"]
BACKENDS: dict[str, Callable[[RoutingData, float, int], RouteSet]] = {
    "ortools": solve_ortools,
    "pyvrp": solve_pyvrp,
    "savings": savings,
    "nearest": nearest_neighbour,
    "quick": quick_nearest,
}


def _run(name: str, data: RoutingData, time_limit: float, seed: int) -> RouteSet:
    return BACKENDS[name](data, time_limit, seed)


def _rank(ev: Evaluation) -> tuple[int, int]:
    return (len(ev.violations), ev.cost)


def solve(
    data: RoutingData,
    solver: SolverName = "auto",
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
) -> tuple[RouteSet, Evaluation]:
    """Routes and their independent evaluation. ``auto``: where PyVRP supports the problem, PyVRP
    on every core (it is the stronger search): cooperating on parts of the routing where stops
    have coordinates and are many enough (``cooperative``), else with different seeds; otherwise
    OR-Tools. A routing
    that breaks a route's constraints (windows, shifts, durations, distances, capacities) is
    never returned: the best constraint-keeping construction is, or no routes with the reason."""
    if solver == "pyvrp" and (why := supported(data)) is not None:
        raise InputError(Problem("solver", f"pyvrp cannot take this request: {why}; use ortools"))
    if solver != "auto":
        result = _run(solver, data, time_limit, seed)
        return _checked(data, result, evaluate(data, result))
    if supported(data) is not None:
        result = _run("ortools", data, time_limit, seed)
        return _checked(data, result, evaluate(data, result))
    workers = workers or max(
        1,
        min(
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1),
            8,
        ),
    )
    if workers == 1 or len(data.stops) > ONE_SEARCH_ABOVE:  # large: one copy of the matrices
        result = _run("pyvrp", data, time_limit, seed)
        return _checked(data, result, evaluate(data, result))
    if can_cooperate(data, workers):
        result = cooperative(data, time_limit, seed, workers)
        return _checked(data, result, evaluate(data, result))
    jobs = [("pyvrp", seed + k) for k in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run, name, data, time_limit, s) for name, s in jobs]
        results = [f.result() for f in futures]
    scored = [(r, evaluate(data, r)) for r in results]
    best, ev = min(scored, key=lambda pair: _rank(pair[1]))
    note = f"best of {', '.join(f'{n}@{s}' for n, s in jobs)}"
    return _checked(data, RouteSet(best.routes, best.dropped, "auto", note), ev)


def _route_violations(ev: Evaluation) -> int:
    return sum(v.startswith("route ") for v in ev.violations)


def _checked(data: RoutingData, result: RouteSet, ev: Evaluation) -> tuple[RouteSet, Evaluation]:
    """``result`` if every route keeps its constraints; else the better of the savings and
    nearest-neighbour constructions (which keep them, dropping what fits nowhere), noting why;
    else no routes, every stop dropped, with the violations as the reason."""
    if not result.failure and not _route_violations(ev):
        return result, ev
    broken = "; ".join(v for v in ev.violations if v.startswith("route "))[:300]
    why = result.failure or f"its answer broke route constraints ({broken})"
    options = [] if _route_violations(ev) else [(result, ev)]
    names = (
        ("quick", "savings", "nearest") if len(data.stops) <= SLOW_BASELINES_UP_TO else ("quick",)
    )
    for name in names:
        built = _run(name, data, 0.0, 0)
        checked = evaluate(data, built)
        if not _route_violations(checked):
            options.append((built, checked))
    if options:
        built, checked = min(options, key=lambda pair: _rank(pair[1]))
        if built is result:
            return result, ev
        note = f"{result.solver}: {why}; the {built.solver} construction is kept"
        return RouteSet(built.routes, built.dropped, result.solver, note), checked
    failed = RouteSet(
        (),
        tuple(data.stops),
        result.solver,
        failure=f"no answer keeps every route's constraints ({broken})",
    )
    return failed, evaluate(data, failed)
