"""One entry point for every backend, and ``auto``: both backends (or several seeds) on the
available cores within the same wall time, keeping the best checked answer."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

from shipopt.routing.baselines import nearest_neighbour, savings
from shipopt.routing.data import RouteSet, RoutingData
from shipopt.routing.evaluate import Evaluation, evaluate
from shipopt.routing.ortools_adapter import solve_ortools
from shipopt.routing.pyvrp_adapter import solve_pyvrp, supported

SolverName = Literal["ortools", "pyvrp", "auto", "savings", "nearest"]
BACKENDS: dict[str, Callable[[RoutingData, float, int], RouteSet]] = {
    "ortools": solve_ortools,
    "pyvrp": solve_pyvrp,
    "savings": savings,
    "nearest": nearest_neighbour,
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
    with different seeds on every core (it is the stronger search); otherwise OR-Tools."""
    if solver != "auto":
        result = _run(solver, data, time_limit, seed)
        return result, evaluate(data, result)
    if supported(data) is not None:
        result = _run("ortools", data, time_limit, seed)
        return result, evaluate(data, result)
    workers = workers or max(
        1,
        min(
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else (os.cpu_count() or 1),
            8,
        ),
    )
    if workers == 1:
        result = _run("pyvrp", data, time_limit, seed)
        return result, evaluate(data, result)
    jobs = [("pyvrp", seed + k) for k in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run, name, data, time_limit, s) for name, s in jobs]
        results = [f.result() for f in futures]
    scored = [(r, evaluate(data, r)) for r in results]
    best, ev = min(scored, key=lambda pair: _rank(pair[1]))
    return RouteSet(
        best.routes, best.dropped, "auto", f"best of {', '.join(f'{n}@{s}' for n, s in jobs)}"
    ), ev
