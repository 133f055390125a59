"""A typed Python client of the HTTP service, on the same pydantic models as the service.

    from shipopt.client import ShipoptClient
    with ShipoptClient("http://127.0.0.1:8000", api_key="sk_...") as api:
        answer = api.quote(QuoteRequest.model_validate(payload))

Needs the ``client`` extra (``pip install 'shipopt[client]'``: httpx2). Every call has a
timeout; connection failures, 429 (after its Retry-After), 502, 503 and 504 are retried with
exponential backoff, for requests that are safe to repeat: reads, cancels, quotes and packing,
and plan submissions (each sent with an Idempotency-Key, so a retry never makes a second job).
An answer that is an error raises :class:`ApiError` with the problem details.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from shipopt.api.schemas import (
    BatchQuoteResponse,
    Health,
    PlanJob,
    PlanJobPage,
    PlanJobRequest,
    PlanResult,
    ProblemDetail,
    ServiceInfo,
)
from shipopt.domain.packing import PackRequest, PackResult
from shipopt.domain.quote import QuoteRequest, QuoteResponse
from shipopt.domain.quote_batch import BatchShipment
from shipopt.domain.routing import RoutingRequest, RoutingResult

try:
    import httpx2
except ImportError as exc:  # pragma: no cover - depends on the install
    raise ImportError("shipopt.client needs httpx2: pip install 'shipopt[client]'") from exc

T = TypeVar("T")
RETRIED = frozenset({429, 502, 503, 504})
FINISHED = ("succeeded", "failed", "cancelled")


class ApiError(Exception):
    """An error answer: its HTTP status and problem details (RFC 9457)."""

    def __init__(self, status: int, problem: ProblemDetail) -> None:
        self.status, self.problem = status, problem
        where = "; ".join(f"{e.field}: {e.detail}" for e in problem.errors[:3])
        super().__init__(f"{status} {problem.title}: {problem.detail or where}")


class ShipoptClient:
    """The service at ``base_url``, every call within ``timeout`` seconds. ``http``: an httpx2
    client to send through instead of a new one (a test client, a shared connection pool; its
    own timeout applies)."""

    def __init__(
        self,
        base_url: str = "http://127.0.0.1:8000",
        api_key: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.25,
        http: httpx2.Client | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._own = http is None
        self.http = http or httpx2.Client(base_url=base_url, timeout=timeout)
        self.headers = headers
        self.retries, self.backoff = retries, backoff

    def __enter__(self) -> ShipoptClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._own:
            self.http.close()

    # the operations, by their OpenAPI operation ids
    def quote(self, request: QuoteRequest) -> QuoteResponse:
        """createQuote."""
        return self._call("POST", "/v1/quotes", QuoteResponse, body=request)

    def quote_batch(
        self,
        shipments: list[BatchShipment],
        ship_at: datetime | None = None,
        policy: str = "cheapest",
        include_rates: bool = False,
    ) -> BatchQuoteResponse:
        """createQuoteBatch."""
        body: dict[str, Any] = {
            "shipments": [s.model_dump(mode="json") for s in shipments],
            "policy": policy,
            "include_rates": include_rates,
        }
        if ship_at is not None:
            body["ship_at"] = ship_at.isoformat()
        return self._call("POST", "/v1/quotes/batch", BatchQuoteResponse, body=body)

    def pack(self, request: PackRequest) -> PackResult:
        """packItems."""
        return self._call("POST", "/v1/pack", PackResult, body=request)

    def routes(self, request: RoutingRequest) -> RoutingResult:
        """planRoutes."""
        return self._call("POST", "/v1/routes", RoutingResult, body=request)

    def submit_plan(self, request: PlanJobRequest, idempotency_key: str | None = None) -> PlanJob:
        """createPlan: the queued job (the same job again for a repeated key and body)."""
        key = idempotency_key or uuid.uuid4().hex
        return self._call(
            "POST", "/v1/plans", PlanJob, body=request, headers={"Idempotency-Key": key}
        )

    def plan(self, job_id: str) -> PlanJob:
        """getPlan."""
        return self._call("GET", f"/v1/plans/{job_id}", PlanJob)

    def plans(
        self, status: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> PlanJobPage:
        """listPlans: one page, newest first."""
        params = {"limit": limit, **({"status": status} if status else {})}
        if cursor:
            params["cursor"] = cursor
        return self._call("GET", "/v1/plans", PlanJobPage, params=params)

    def all_plans(self, status: str | None = None) -> Iterator[PlanJob]:
        """Every job of this key, newest first, page after page."""
        cursor = None
        while True:
            page = self.plans(status, 200, cursor)
            yield from page.jobs
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def plan_result(self, job_id: str) -> PlanResult:
        """getPlanResult (ApiError 409 while the job is not succeeded)."""
        return self._call("GET", f"/v1/plans/{job_id}/result", PlanResult)

    def cancel_plan(self, job_id: str) -> PlanJob:
        """cancelPlan."""
        return self._call("DELETE", f"/v1/plans/{job_id}", PlanJob)

    def wait_for_plan(self, job_id: str, timeout: float = 600.0, poll: float = 0.5) -> PlanJob:
        """The job once it has finished (TimeoutError after ``timeout`` seconds)."""
        end = time.monotonic() + timeout
        while True:
            job = self.plan(job_id)
            if job.status in FINISHED:
                return job
            if time.monotonic() > end:
                raise TimeoutError(f"plan job {job_id} is still {job.status} after {timeout} s")
            time.sleep(poll)

    def services(self) -> list[ServiceInfo]:
        """listServices."""
        return self._call("GET", "/v1/services", list[ServiceInfo])

    def health(self) -> Health:
        """getHealth."""
        return self._call("GET", "/healthz", Health)

    def _call(
        self,
        method: str,
        path: str,
        answer: type[T],
        body: BaseModel | dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> T:
        content = None
        if body is not None:
            content = body.model_dump_json() if isinstance(body, BaseModel) else _json(body)
        sent = {**self.headers, **(headers or {})}
        if content is not None:
            sent["Content-Type"] = "application/json"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                r = self.http.request(method, path, content=content, params=params, headers=sent)
            except httpx2.TransportError:
                if last:
                    raise
                time.sleep(self.backoff * 2**attempt)
                continue
            if r.status_code in RETRIED and not last:
                wait = self.backoff * 2**attempt
                if r.status_code == 429 and r.headers.get("retry-after", "").isdigit():
                    wait = max(wait, float(r.headers["retry-after"]))
                time.sleep(wait)
                continue
            if r.status_code >= 400:
                raise ApiError(r.status_code, _problem(r))
            return TypeAdapter(answer).validate_json(r.content)
        raise AssertionError("unreachable")  # pragma: no cover


def _json(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body)


def _problem(r: httpx2.Response) -> ProblemDetail:
    try:
        return ProblemDetail.model_validate_json(r.content)
    except ValueError:
        return ProblemDetail(title=r.reason_phrase or "Error", status=r.status_code, detail=r.text)
