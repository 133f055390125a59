"""``create_app(settings)``: the service, assembled from one router per resource."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from starlette.routing import Route, compile_path

from shipopt.api.config import ApiSettings
from shipopt.api.jobs import JobRunner
from shipopt.api.observe import Metrics, Observe
from shipopt.api.openapi import openapi_builder
from shipopt.api.problems import install, responses
from shipopt.api.reload import TableReloader
from shipopt.api.routes import admin, health, packing, planner, plans, quotes, routing, services
from shipopt.api.security import BodyLimit, KeyGate, RateLimiter
from shipopt.api.store import JobStore, StoreError
from shipopt.api.webhooks import WebhookSender
from shipopt.errors import InputError, Problem
from shipopt.pipeline.context import QuoteContext


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
    ctx = QuoteContext.from_directory(settings.tables(), settings.transit_model)
    try:
        store = JobStore(settings.database_url)
    except StoreError as exc:
        raise InputError(Problem("database_url", str(exc))) from None
    runner = JobRunner(store, ctx, settings)
    webhooks = WebhookSender(store, settings, plans.view)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gc.freeze()  # the rate tables and ZIP data live forever: keep them out of GC passes
        runner.start()
        webhooks.start()
        _on_sighup(app)
        try:
            yield
        finally:
            runner.stop()
            webhooks.stop()
            store.close()

    app = FastAPIOffline(  # /docs and /redoc from assets in the package: no CDN, works offline
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
    app.state.metrics = Metrics(store, ctx)
    app.state.reloader = TableReloader(app)
    install(app)
    _middleware(app, settings)
    v1 = APIRouter(prefix="/v1", responses=responses(400, 401, 413, 422))
    for resource in (quotes, packing, routing, plans, services, admin):
        v1.include_router(resource.router)
    app.include_router(v1)
    app.include_router(health.router)
    app.include_router(planner.router)
    app.openapi = openapi_builder(app)  # type: ignore[method-assign]
    # each path's methods, for the Allow header of a 405 (FastAPI nests included routers)
    mounted = [
        ("/v1", r)
        for res in (quotes, packing, routing, plans, services, admin)
        for r in res.router.routes
    ]
    mounted += [
        ("", r) for r in [*health.router.routes, *planner.router.routes, *app.router.routes]
    ]
    app.state.allow_table = [
        (compile_path(prefix + route.path)[0], frozenset(route.methods or ()))
        for prefix, route in mounted
        if isinstance(route, APIRoute | Route)
    ]
    # each path's route template, for the request log and metrics (FastAPI nests routers)
    app.state.route_templates = [
        (compile_path(prefix + route.path)[0], prefix + route.path)
        for prefix, route in mounted
        if isinstance(route, APIRoute | Route)
    ]
    app.state.exact_routes = {t: t for _, t in app.state.route_templates if "{" not in t}
    return app


def _middleware(app: FastAPI, settings: ApiSettings) -> None:
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    # added after (so it runs before) the body limit: a keyless request is refused before its
    # body is read; CORS, added last, wraps both so that refusals carry its headers
    limiter = RateLimiter(
        settings.rate_limit_per_second,
        settings.rate_limit_burst,
        {h[:16]: rate for h, rate in settings.key_rate_limits.items()},
    )
    keys = [*settings.api_key_hashes, *settings.admin_key_hashes]
    app.add_middleware(KeyGate, hashes=keys, insecure=settings.insecure_dev, limiter=limiter)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
            expose_headers=["Location", "Retry-After", "X-Request-ID"],
        )
    app.add_middleware(Observe, metrics=app.state.metrics)  # outermost: times every answer


def _on_sighup(app: FastAPI) -> None:
    """SIGHUP reloads the rate tables (where this event loop may own signals)."""
    loop = asyncio.get_running_loop()
    # not the main thread, or no signals here: then the admin route only
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(
            signal.SIGHUP, lambda: loop.run_in_executor(None, app.state.reloader.reload_logged)
        )
