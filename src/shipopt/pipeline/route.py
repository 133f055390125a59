"""The routing path: build solver data, solve with the chosen backend, check, report."""

from __future__ import annotations

import time

from shipopt.domain.routing import RoutingRequest, RoutingResult
from shipopt.geo import ZipDirectory
from shipopt.routing.build import build, report
from shipopt.routing.solve import solve

MIN_SEARCH_SECONDS = 0.05


def plan_routes(
    request: RoutingRequest,
    directory: ZipDirectory | None = None,
    max_time_limit: float | None = None,
) -> RoutingResult:
    started = time.perf_counter()
    limit = min(request.time_limit, max_time_limit) if max_time_limit else request.time_limit
    built = build(request, directory)
    left = max(limit - (time.perf_counter() - started), MIN_SEARCH_SECONDS)  # the limit covers it
    routes, evaluation = solve(built.data, request.solver, left, request.seed)
    return report(request, built, routes, evaluation)
