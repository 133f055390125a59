"""``POST /v1/pack``: cartonization only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response

from shipopt.api import examples
from shipopt.api.deps import Owner, Settings, within
from shipopt.domain.packing import PackRequest, PackResult
from shipopt.packing.cartonize import cartonize

router = APIRouter(tags=["pack"])


@router.post(
    "/pack",
    operation_id="packItems",
    response_model=PackResult,
    summary="Cartonize items into boxes",
    description="Fewest boxes (then least box volume), 3D, with rotations, weight limits "
    "and handling rules. The time limit is capped by the server.",
)
def post_pack(
    _: Owner,
    settings: Settings,
    request: Annotated[PackRequest, Body(openapi_examples={"order": {"value": examples.PACK}})],
) -> Response:
    within("items", sum(i.quantity for i in request.items), settings.max_units, "item units")
    cap = min(request.options.time_limit, settings.max_solver_seconds)
    request = request.model_copy(
        update={"options": request.options.model_copy(update={"time_limit": cap})}
    )
    return Response(cartonize(request).model_dump_json(), media_type="application/json")
