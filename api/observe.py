"""What an operator sees: a request id on every answer (``X-Request-ID``, the caller's when it
sends a sane one), one structured JSON log line per request with its timing, and Prometheus
metrics (requests and latency per route, plan-job queue depth, rate-table versions in force)."""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipopt.api.store import JobStore
from shipopt.pipeline.context import QuoteContext

log = logging.getLogger("shipopt.api.requests")
# request ids: a random prefix per process and a counter (a fresh uuid4 per request reads the
# OS random source, which costs tens of microseconds on some machines)
_PREFIX = uuid.uuid4().hex[:12]
_SEQUENCE = itertools.count(1)
_GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object: time, level, logger, message and its extra fields."""

    FIELDS = ("request_id", "method", "path", "route", "status", "ms", "owner", "job_id")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def json_logging(level: str = "info") -> None:
    """Every ``shipopt`` logger to standard error as JSON lines."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("shipopt")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


class Metrics:
    """The service's Prometheus metrics, in a registry of its own (one per app)."""

    def __init__(self, store: JobStore, ctx: QuoteContext) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "shipopt_requests", "HTTP requests answered.", ["method", "route", "status"],
            registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "shipopt_request_seconds", "Time to answer an HTTP request.", ["method", "route"],
            buckets=BUCKETS, registry=self.registry,
        )  # fmt: skip
        queue = Gauge("shipopt_plan_jobs_queued", "Plan jobs waiting.", registry=self.registry)
        queue.set_function(lambda: store.count("queued"))
        running = Gauge("shipopt_plan_jobs_running", "Plan jobs running.", registry=self.registry)
        running.set_function(lambda: store.count("running"))
        self.tables = Gauge(
            "shipopt_rate_table_info", "Rate-table versions loaded (1 each).",
            ["service", "version", "effective_from"], registry=self.registry,
        )  # fmt: skip
        self.show_tables(ctx)

        self._counted: dict[tuple[str, str, str], Any] = {}
        self._timed: dict[tuple[str, str], Any] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """One answered request (children of the labelled metrics kept: no lookup per call)."""
        key = (method, route, str(status))
        counter = self._counted.get(key)
        if counter is None:
            counter = self._counted[key] = self.requests.labels(*key)
        counter.inc()
        timer = self._timed.get(key[:2])
        if timer is None:
            timer = self._timed[key[:2]] = self.latency.labels(method, route)
        timer.observe(seconds)

    def show_tables(self, ctx: QuoteContext) -> None:
        """The rate-table versions in force (after a start or a reload)."""
        self.tables.clear()
        for s in ctx.registry.services():
            self.tables.labels(s.key, s.spec.version, s.spec.effective_from.isoformat()).set(1)

    def text(self) -> bytes:
        return generate_latest(self.registry)


class Observe:
    """Request id, timing, one log line and the metrics of every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        given = ""
        for name, value in scope.get("headers", ()):
            if name == b"x-request-id":
                given = value.decode("latin-1")
        request_id = given if _GOOD_ID.match(given) else f"{_PREFIX}{next(_SEQUENCE):020x}"
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            template = _template(scope)
            method = str(scope.get("method", ""))
            self.metrics.observe(method, template, status, seconds)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    extra={
                        "request_id": request_id,
                        "method": method,
                        "path": scope.get("path", ""),
                        "route": template,
                        "status": status,
                        "ms": round(seconds * 1000, 3),
                        "owner": scope.get("state", {}).get("owner"),
                    },
                )


def _template(scope: Scope) -> str:
    """The route template the request's path matched (``unmatched`` for none): bounded labels.
    A path without parameters is one dictionary lookup."""
    path = str(scope.get("path", ""))
    state = getattr(scope.get("app"), "state", None)
    exact: dict[str, str] = getattr(state, "exact_routes", {})
    found = exact.get(path)
    if found is not None:
        return found
    for regex, template in getattr(state, "route_templates", ()):
        if "{" in template and regex.match(path):
            return str(template)
    return "unmatched"
