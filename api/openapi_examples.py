"""Example answers for the OpenAPI document, made by the engine itself on the example requests
and the rate tables in force (so they stay true), and one problem per error status."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI

from shipopt.api import examples
from shipopt.api.jobs import execute_plan
from shipopt.api.problems import TITLES
from shipopt.api.routes.quotes import quote_batch
from shipopt.api.routes.services import service_info
from shipopt.api.schemas import (
    BatchQuoteRequest,
    FieldProblem,
    Health,
    PlanJob,
    PlanJobPage,
    ProblemDetail,
    Readiness,
)
from shipopt.domain.packing import PackRequest
from shipopt.domain.quote import QuoteRequest
from shipopt.domain.routing import RoutingRequest
from shipopt.packing.cartonize import cartonize
from shipopt.pipeline.quote import quote
from shipopt.pipeline.route import plan_routes

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
_JOB = PlanJob(
    id="3f2b9c6a0d4e4b7f9a1c2e3d4f5a6b7c",
    status="succeeded",
    progress=1.0,
    attempts=1,
    cancel_requested=False,
    created_at="2026-12-01T09:00:00.000+00:00",
    updated_at="2026-12-01T09:00:04.250+00:00",
    result_url="/v1/plans/3f2b9c6a0d4e4b7f9a1c2e3d4f5a6b7c/result",
)
_QUEUED = _JOB.model_copy(
    update={"status": "queued", "progress": 0.0, "attempts": 0, "result_url": None,
            "updated_at": _JOB.created_at}
)  # fmt: skip

PROBLEMS: dict[int, ProblemDetail] = {
    400: ProblemDetail(title=TITLES[400], status=400, detail="the body is not valid JSON"),
    401: ProblemDetail(
        type="/problems/unauthorized",
        title=TITLES[401],
        status=401,
        detail="a valid API key is required: Authorization: Bearer <key>",
    ),
    403: ProblemDetail(
        type="/problems/forbidden",
        title=TITLES[403],
        status=403,
        detail="an admin key is required (admin_key_hashes)",
    ),
    404: ProblemDetail(
        type="/problems/not-found", title=TITLES[404], status=404, detail="no plan job 'x'"
    ),
    409: ProblemDetail(
        type="/problems/conflict", title=TITLES[409], status=409, detail="job x is running"
    ),
    413: ProblemDetail(
        title=TITLES[413], status=413, detail="the body is over the limit of 8000000 bytes"
    ),
    422: ProblemDetail(
        title=TITLES[422],
        status=422,
        detail="shipment.parcels[0].weight: unknown unit 'lbs'",
        errors=[
            FieldProblem(
                field="shipment.parcels[0].weight",
                pointer="/shipment/parcels/0/weight",
                detail="unknown unit 'lbs'",
            )
        ],
    ),
    429: ProblemDetail(
        type="/problems/rate-limited",
        title=TITLES[429],
        status=429,
        detail="over 20 requests a second for this key; retry after 1 s",
    ),
    500: ProblemDetail(
        title=TITLES[500], status=500, detail="an internal error occurred; it has been logged"
    ),
    503: ProblemDetail(
        type="/problems/store",
        title=TITLES[503],
        status=503,
        detail="the job store is unavailable; retry later",
    ),
}


def _dump(model: Any) -> Any:
    return json.loads(model.model_dump_json())


def success_examples(app: FastAPI) -> dict[str, Any]:
    """operationId (or ``operationId:status`` for another JSON answer) -> an example body."""
    ctx, settings = app.state.ctx, app.state.settings
    route = RoutingRequest.model_validate({**examples.ROUTES, "time_limit": 0.3})
    plan = json.loads(execute_plan(json.dumps(examples.PLAN), ctx, settings))
    batch = BatchQuoteRequest.model_validate(examples.QUOTE_BATCH)
    services = [_dump(service_info(s)) for s in ctx.registry.services()[:2]]
    return {
        "createQuote": _dump(quote(QuoteRequest.model_validate(examples.QUOTE), ctx, NOW)),
        "createQuoteBatch": _dump(quote_batch(batch, ctx)),
        "packItems": _dump(cartonize(PackRequest.model_validate(examples.PACK))),
        "planRoutes": _dump(plan_routes(route, ctx.directory)),
        "createPlan": _dump(_QUEUED),
        "getPlan": _dump(_JOB),
        "cancelPlan": _dump(_QUEUED.model_copy(update={"status": "cancelled"})),
        "listPlans": _dump(PlanJobPage(jobs=[_JOB], next_cursor=None)),
        "getPlanResult": plan,
        "listServices": services,
        "getHealth": _dump(Health(status="ok")),
        "reloadRateTables": {
            "status": "reloaded",
            "services": len(ctx.registry.keys),
            "versions": {
                k: [v.spec.version for v in ctx.registry.versions(k)] for k in ctx.registry.keys[:2]
            },
        },
        "getReadiness": _dump(
            Readiness(
                status="ready",
                checks={
                    "rate_tables": "14 services",
                    "job_store": "sqlite",
                    "job_runners": "running",
                },
            )
        ),
        "getReadiness:503": _dump(
            Readiness(
                status="not ready",
                checks={
                    "rate_tables": "14 services",
                    "job_store": "database is locked",
                    "job_runners": "running",
                },
            )
        ),
    }
