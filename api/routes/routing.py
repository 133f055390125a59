"""``POST /v1/routes``: own-fleet routing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response

from shipopt.api import examples
from shipopt.api.deps import Context, Owner, Settings, within
from shipopt.domain.routing import RoutingRequest, RoutingResult
from shipopt.pipeline.route import plan_routes

router = APIRouter(tags=["routes"])


@router.post(
    "/routes",
    operation_id="planRoutes",
    response_model=RoutingResult,
    summary="Route the own fleet",
    description="Solved synchronously; the request's time limit is capped by the server "
    "(max_solver_seconds). Stops that do not pay are dropped with their penalty.",
)
def post_routes(
    _: Owner,
    settings: Settings,
    ctx: Context,
    request: Annotated[RoutingRequest, Body(openapi_examples={"vans": {"value": examples.ROUTES}})],
) -> Response:
    within("stops", len(request.stops), settings.max_stops, "stops")
    result = plan_routes(request, ctx.directory, settings.max_solver_seconds)
    return Response(result.model_dump_json(), media_type="application/json")
