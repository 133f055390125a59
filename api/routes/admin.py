"""``/v1/admin``: operations for the service's operators (admin keys only)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from shipopt.api.deps import Owner, Settings
from shipopt.api.problems import responses
from shipopt.errors import InputError, ShipoptError

router = APIRouter(tags=["admin"])


class ReloadResult(BaseModel):
    status: str = "reloaded"
    services: int
    versions: dict[str, list[str]] = Field(description="Service -> table versions now loaded.")


@router.post(
    "/admin/reload",
    operation_id="reloadRateTables",
    response_model=ReloadResult,
    responses=responses(403),
    summary="Reload the rate tables without a restart",
    description="The folder is loaded and validated in full, then swapped in at once; on any "
    "problem (a 422 listing them by file, row and column) the tables in force keep serving. "
    "SIGHUP does the same (the outcome is logged). Admin keys only (admin_key_hashes).",
)
async def reload_tables(who: Owner, settings: Settings, request: Request) -> ReloadResult:
    if who not in {h[:16] for h in settings.admin_key_hashes}:
        raise HTTPException(403, "an admin key is required (admin_key_hashes)")
    try:
        done = await run_in_threadpool(request.app.state.reloader.reload)
    except ShipoptError as exc:  # the folder's problems, as a 422; the old tables serve on
        raise InputError(exc.problems) from None
    return ReloadResult(services=done.services, versions=done.versions)
