"""The routing path: build solver data, solve with the chosen backend, check, report."""

from __future__ import annotations

from shipopt.domain.routing import RoutingRequest, RoutingResult
from shipopt.geo import ZipDirectory
from shipopt.routing.build import build, report
from shipopt.routing.solve import solve


def plan_routes(
    request: RoutingRequest,
    directory: ZipDirectory | None = None,
    max_time_limit: float | None = None,
) -> RoutingResult:
    built = build(request, directory)
    limit = min(request.time_limit, max_time_limit) if max_time_limit else request.time_limit
    routes, evaluation = solve(built.data, request.solver, limit, request.seed)
    return report(request, built, routes, evaluation)
