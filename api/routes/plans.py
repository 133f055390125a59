"""``/v1/plans``: batch plans as jobs (submit, status, result, cancel)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Header, HTTPException, Query, Request, Response

from shipopt.api import examples
from shipopt.api.deps import Owner, Settings, Store, within
from shipopt.api.problems import responses
from shipopt.api.schemas import (
    JobStatusName,
    PlanJob,
    PlanJobPage,
    PlanJobRequest,
    PlanResult,
    WebhookDelivery,
)
from shipopt.api.store import JobRow, JobStore
from shipopt.api.webhooks import check_callback
from shipopt.errors import InputError, Problem

router = APIRouter(tags=["plans"])


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds")


def view(job: JobRow) -> PlanJob:
    """A job as the API shows it."""
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
        callback_url=job.callback_url,
        webhook=None
        if job.webhook_state is None
        else WebhookDelivery(
            state=job.webhook_state,
            attempts=json.loads(job.webhook_attempts or "[]"),
        ),
    )


def _own(store: JobStore, job_id: str, who: str) -> JobRow:
    job = store.get(job_id, who)
    if job is None:
        raise HTTPException(404, f"no plan job {job_id!r}")
    return job


@router.post(
    "/plans",
    status_code=202,
    operation_id="createPlan",
    response_model=PlanJob,
    summary="Submit a batch plan (asynchronous job)",
    description="202 with the job and its Location. With an Idempotency-Key header, a "
    "retried submission (same key, same body) returns the same job; the same key with a "
    "different body is a 422.",
    responses={202: {"headers": {"Location": {"schema": {"type": "string"}}}}},
)
def post_plan(
    who: Owner,
    settings: Settings,
    store: Store,
    response: Response,
    request: Annotated[PlanJobRequest, Body(openapi_examples={"day": {"value": examples.PLAN}})],
    idempotency_key: Annotated[
        str | None, Header(min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$")
    ] = None,
) -> PlanJob:
    within("orders", len(request.orders), settings.max_orders, "orders")
    if request.callback_url is not None:
        check_callback(
            request.callback_url, settings.webhook_hosts, settings.webhook_secret_of(who)
        )
    payload = request.model_dump_json()
    digest = hashlib.sha256(payload.encode()).hexdigest()
    job, _, stored_hash = store.submit(who, idempotency_key, digest, payload, request.callback_url)
    if stored_hash != digest:
        raise InputError(
            Problem("Idempotency-Key", "this key was already used for a different request body")
        )
    response.headers["Location"] = f"/v1/plans/{job.id}"
    return view(job)


def _cursor(job: JobRow) -> str:
    raw = f"{job.created_at!r}|{job.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _after(cursor: str) -> tuple[float, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, job_id = raw.split("|", 1)
        return float(at), job_id
    except (ValueError, UnicodeDecodeError):
        raise InputError(Problem("cursor", "not a cursor this service gave out")) from None


LIST_PARAMETERS = frozenset({"status", "limit", "cursor"})


@router.get(
    "/plans",
    response_model=PlanJobPage,
    operation_id="listPlans",
    summary="List your plan jobs",
    description="Newest first, ``limit`` a page (at most 200); ``next_cursor`` fetches the "
    "next page. ``status`` keeps only jobs in that state.",
)
def list_plans(
    who: Owner,
    store: Store,
    request: Request,
    status: Annotated[JobStatusName | None, Query(description="Only jobs in this state.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> PlanJobPage:
    unknown = sorted(set(request.query_params) - LIST_PARAMETERS)
    if unknown:  # a misspelt filter (?stauts=done) would silently list every job
        raise InputError(
            [Problem(f"query.{name}", "unknown query parameter (known: cursor, limit, status)")
             for name in unknown]
        )  # fmt: skip
    before = _after(cursor) if cursor is not None else None
    jobs = store.jobs(who, limit + 1, status, before)
    more = len(jobs) > limit
    jobs = jobs[:limit]
    return PlanJobPage(
        jobs=[view(j) for j in jobs], next_cursor=_cursor(jobs[-1]) if more else None
    )


@router.get(
    "/plans/{job_id}", response_model=PlanJob, operation_id="getPlan", responses=responses(404)
)
def get_plan(who: Owner, store: Store, job_id: str) -> PlanJob:
    """A job's status and progress."""
    return view(_own(store, job_id, who))


@router.get(
    "/plans/{job_id}/result",
    response_model=PlanResult,
    operation_id="getPlanResult",
    responses=responses(404, 409),
)
def get_plan_result(who: Owner, store: Store, job_id: str) -> Response:
    """The plan of a succeeded job (409 while it is not)."""
    job = _own(store, job_id, who)
    if job.status != "succeeded":
        why = f": {job.error}" if job.error else ""
        raise HTTPException(409, f"job {job_id} is {job.status}{why}")
    return Response(store.result(job_id), media_type="application/json")


@router.delete(
    "/plans/{job_id}",
    response_model=PlanJob,
    operation_id="cancelPlan",
    responses=responses(404, 409),
)
def cancel_plan(who: Owner, store: Store, job_id: str) -> PlanJob:
    """Cancel a queued job at once, or ask a running one to stop."""
    job = _own(store, job_id, who)
    if job.status in ("succeeded", "failed", "cancelled"):
        raise HTTPException(409, f"job {job_id} is already {job.status}")
    store.cancel(job_id)
    return view(_own(store, job_id, who))
