"""``/healthz``, ``/readyz`` and ``/metrics``: no key needed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from shipopt.api.deps import Context, Runner, Store
from shipopt.api.schemas import Health, Readiness
from shipopt.api.store import StoreError

router = APIRouter(tags=["health"])


@router.get(
    "/healthz", response_model=Health, operation_id="getHealth", openapi_extra={"security": []}
)
def healthz() -> Health:
    """The process answers."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    operation_id="getReadiness",
    openapi_extra={"security": []},
    responses={503: {"model": Readiness, "description": "Not ready"}},
)
def readyz(ctx: Context, store: Store, runner: Runner) -> Any:
    """Rate tables loaded, job store reachable, job runners alive."""
    checks = {"rate_tables": f"{len(ctx.registry.keys)} services"}
    ok = True
    try:
        store.ping()
        checks["job_store"] = store.dialect
    except StoreError as exc:
        checks["job_store"] = str(exc)
        ok = False
    alive = runner.alive()
    checks["job_runners"] = "running" if alive else "stopped"
    ok = ok and alive
    body = Readiness(status="ready" if ok else "not ready", checks=checks)
    return JSONResponse(body.model_dump(), 200 if ok else 503)


@router.get(
    "/metrics",
    operation_id="getMetrics",
    openapi_extra={"security": []},
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"example": "shipopt_requests_total{...} 1.0"}}}},
)
def metrics(request: Request) -> PlainTextResponse:
    """Prometheus metrics: requests and latency per route, plan jobs queued and running, the
    rate-table versions loaded."""
    body = request.app.state.metrics.text()
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
