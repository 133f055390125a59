"""``create_app(settings)``: the service's routes, wired to the library."""

import gc
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Route

from shipopt.api import examples
from shipopt.api.config import ApiSettings
from shipopt.api.jobs import JobRunner
from shipopt.api.problems import install, responses
from shipopt.api.schemas import (
    Health,
    PlanJob,
    PlanJobRequest,
    PlanResult,
    ProblemDetail,
    Readiness,
    ServiceInfo,
)
from shipopt.api.security import BodyLimit, KeyGate, key_checker
from shipopt.api.store import JobRow, JobStore, StoreError
from shipopt.domain.packing import PackRequest, PackResult
from shipopt.domain.quote import QuoteRequest, QuoteResponse
from shipopt.domain.routing import RoutingRequest, RoutingResult
from shipopt.errors import InputError, Problem
from shipopt.packing.cartonize import cartonize
from shipopt.pipeline.quote import QuoteContext, quote
from shipopt.pipeline.route import plan_routes

log = logging.getLogger("shipopt.api")
JSON = "application/json"


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


def _job_view(job: JobRow) -> PlanJob:
    return PlanJob(
        id=job.id,
        status=job.status,
        progress=round(job.progress, 4),
        attempts=job.attempts,
        cancel_requested=job.cancel_requested,
        error=job.error,
        created_at=_iso(job.created_at),
        updated_at=_iso(job.updated_at),
        result_url=f"/v1/plans/{job.id}/result" if job.status == "succeeded" else None,
    )


def _units(items: Any) -> int:
    return sum(i.quantity for i in items)


def _limit(where: str, count: int, cap: int, what: str) -> None:
    if count > cap:
        raise InputError(Problem(where, f"{count} {what} is over this server's limit of {cap}"))


def create_app(settings: ApiSettings) -> FastAPI:
    """The app for ``settings``: loads the rate tables and opens the job store now (so a bad
    setting fails at start), starts the plan-job runners when it starts serving."""
    if not settings.api_key_hashes and not settings.insecure_dev:
        raise InputError(
            Problem(
                "api_key_hashes",
                "no API keys configured: set SHIPOPT_API_KEY_HASHES (see `shipopt api-key new`) "
                "or start with --insecure-dev",
            )
        )
    ctx = QuoteContext.from_directory(settings.rate_tables)
    try:
        store = JobStore(settings.database_url)
    except StoreError as exc:
        raise InputError(Problem("database_url", str(exc))) from None
    runner = JobRunner(store, ctx, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gc.freeze()  # the rate tables and ZIP data live forever: keep them out of GC passes
        runner.start()
        try:
            yield
        finally:
            runner.stop()
            store.close()

    app = FastAPI(
        title="shipopt",
        version="1",
        summary="Rate, pack, route and plan shipments.",
        lifespan=lifespan,
        responses=responses(500, 503),
    )
    app.state.settings, app.state.ctx, app.state.store, app.state.runner = (
        settings,
        ctx,
        store,
        runner,
    )
    install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # added after (so it runs before) the body limit: a keyless request is refused before its
    # body is read; CORS, added last, wraps both so that refusals carry its headers
    app.add_middleware(KeyGate, hashes=settings.api_key_hashes, insecure=settings.insecure_dev)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Location"],
        )
    owner = key_checker(settings.api_key_hashes, settings.insecure_dev)
    Owner = Annotated[str, Depends(owner)]
    v1 = APIRouter(prefix="/v1", responses=responses(400, 401, 413, 422))

    @v1.post(
        "/quotes",
        response_model=QuoteResponse,
        summary="Rate every service for a shipment and choose",
        description="Parcels, or items with a box catalog (then cartonized, priced by the "
        "cheapest eligible service). Returns the ranked rates, the choice with an explanation, "
        "the ineligible services with reasons, and the packing when items were given.",
    )
    async def post_quote(
        _: Owner,
        request: Annotated[
            QuoteRequest,
            Body(
                openapi_examples={
                    "parcel": {"summary": "One parcel", "value": examples.QUOTE},
                    "items": {"summary": "Items to pack", "value": examples.QUOTE_ITEMS},
                }
            ),
        ],
    ) -> Response:
        s = request.shipment
        _limit("shipment.parcels", len(s.parcels), settings.max_parcels, "parcels")
        _limit("shipment.items", _units(s.items), settings.max_units, "item units")
        if s.items and s.pack_options.time_limit > settings.max_solver_seconds:
            raise InputError(
                Problem(
                    "shipment.pack_options.time_limit",
                    f"over this server's cap of {settings.max_solver_seconds} s",
                )
            )
        if s.items:  # packing is CPU work: off the event loop, so other requests are answered
            answer = await run_in_threadpool(quote, request, ctx)
        else:  # a parcel quote takes well under a millisecond: a thread hop would cost more
            answer = quote(request, ctx)
        return Response(answer.model_dump_json(), media_type=JSON)

    @v1.post(
        "/pack",
        response_model=PackResult,
        summary="Cartonize items into boxes",
        description="Fewest boxes (then least box volume), 3D, with rotations, weight limits "
        "and handling rules. The time limit is capped by the server.",
    )
    def post_pack(
        _: Owner,
        request: Annotated[PackRequest, Body(openapi_examples={"order": {"value": examples.PACK}})],
    ) -> Response:
        _limit("items", _units(request.items), settings.max_units, "item units")
        cap = min(request.options.time_limit, settings.max_solver_seconds)
        request = request.model_copy(
            update={"options": request.options.model_copy(update={"time_limit": cap})}
        )
        return Response(cartonize(request).model_dump_json(), media_type=JSON)

    @v1.post(
        "/routes",
        response_model=RoutingResult,
        summary="Route the own fleet",
        description="Solved synchronously; the request's time limit is capped by the server "
        "(max_solver_seconds). Stops that do not pay are dropped with their penalty.",
    )
    def post_routes(
        _: Owner,
        request: Annotated[
            RoutingRequest, Body(openapi_examples={"vans": {"value": examples.ROUTES}})
        ],
    ) -> Response:
        _limit("stops", len(request.stops), settings.max_stops, "stops")
        result = plan_routes(request, ctx.directory, settings.max_solver_seconds)
        return Response(result.model_dump_json(), media_type=JSON)

    @v1.post(
        "/plans",
        status_code=202,
        response_model=PlanJob,
        summary="Submit a batch plan (asynchronous job)",
        description="202 with the job and its Location. With an Idempotency-Key header, a "
        "retried submission (same key, same body) returns the same job; the same key with a "
        "different body is a 422.",
        responses={202: {"headers": {"Location": {"schema": {"type": "string"}}}}},
    )
    def post_plan(
        who: Owner,
        response: Response,
        request: Annotated[
            PlanJobRequest, Body(openapi_examples={"day": {"value": examples.PLAN}})
        ],
        idempotency_key: Annotated[
            str | None, Header(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
        ] = None,
    ) -> PlanJob:
        _limit("orders", len(request.orders), settings.max_orders, "orders")
        payload = request.model_dump_json()
        digest = hashlib.sha256(payload.encode()).hexdigest()
        job, _, stored_hash = store.submit(who, idempotency_key, digest, payload)
        if stored_hash != digest:
            raise InputError(
                Problem(
                    "Idempotency-Key",
                    "this key was already used for a different request body",
                )
            )
        response.headers["Location"] = f"/v1/plans/{job.id}"
        return _job_view(job)

    def _own_job(job_id: str, who: str) -> JobRow:
        job = store.get(job_id, who)
        if job is None:
            raise HTTPException(404, f"no plan job {job_id!r}")
        return job

    @v1.get("/plans/{job_id}", response_model=PlanJob, responses=responses(404))
    def get_plan(who: Owner, job_id: str) -> PlanJob:
        """A job's status and progress."""
        return _job_view(_own_job(job_id, who))

    @v1.get("/plans/{job_id}/result", response_model=PlanResult, responses=responses(404, 409))
    def get_plan_result(who: Owner, job_id: str) -> Response:
        """The plan of a succeeded job (409 while it is not)."""
        job = _own_job(job_id, who)
        if job.status != "succeeded":
            why = f": {job.error}" if job.error else ""
            raise HTTPException(409, f"job {job_id} is {job.status}{why}")
        return Response(store.result(job_id), media_type=JSON)

    @v1.delete("/plans/{job_id}", response_model=PlanJob, responses=responses(404, 409))
    def cancel_plan(who: Owner, job_id: str) -> PlanJob:
        """Cancel a queued job at once, or ask a running one to stop."""
        job = _own_job(job_id, who)
        if job.status in ("succeeded", "failed", "cancelled"):
            raise HTTPException(409, f"job {job_id} is already {job.status}")
        store.cancel(job_id)
        return _job_view(_own_job(job_id, who))

    @v1.get("/services", response_model=list[ServiceInfo])
    def get_services(_: Owner) -> list[ServiceInfo]:
        """The loaded carrier services with their rate-table versions and effective dates."""
        out = []
        for key in ctx.registry.keys:
            for s in ctx.registry.versions(key):
                spec = s.spec
                out.append(
                    ServiceInfo(
                        carrier=spec.carrier,
                        service=spec.service,
                        name=spec.service_name,
                        mode=spec.mode,
                        version=spec.version,
                        effective_from=spec.effective_from.isoformat(),
                        effective_to=spec.effective_to.isoformat() if spec.effective_to else None,
                        currency=spec.currency,
                    )
                )
        return out

    app.include_router(v1)

    @app.get("/healthz", response_model=Health, tags=["health"], openapi_extra={"security": []})
    def healthz() -> Health:
        """The process answers."""
        return Health(status="ok")

    @app.get(
        "/readyz",
        response_model=Readiness,
        tags=["health"],
        openapi_extra={"security": []},
        responses={503: {"model": Readiness, "description": "Not ready"}},
    )
    def readyz() -> Any:
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

    schema_extra = {ProblemDetail.__name__: ProblemDetail}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            spec = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            components = spec.setdefault("components", {}).setdefault("schemas", {})
            for name, model in schema_extra.items():
                schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for inner, definition in schema.pop("$defs", {}).items():
                    components.setdefault(inner, definition)  # where the refs point
                components.setdefault(name, schema)
            spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            spec["security"] = [{"bearer": []}]
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # each path's methods, for the Allow header of a 405 (FastAPI nests included routers)
    app.state.allow_table = [
        (route.path_regex, frozenset(route.methods or ()))
        for route in [*app.router.routes, *v1.routes]
        if isinstance(route, APIRoute | Route)
    ]
    return app
