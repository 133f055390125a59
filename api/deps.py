"""The service's dependencies, as ``Annotated`` aliases: what the app was built with (settings,
quote context, job store, runner) and who is calling. Async, so they run on the event loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from shipopt.api.config import ApiSettings
from shipopt.api.jobs import JobRunner
from shipopt.api.security import UNAUTHORIZED, owner_of
from shipopt.api.store import JobStore
from shipopt.errors import InputError, Problem
from shipopt.pipeline.context import QuoteContext


async def _settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


async def _context(request: Request) -> QuoteContext:
    ctx: QuoteContext = request.app.state.ctx
    return ctx


async def _store(request: Request) -> JobStore:
    store: JobStore = request.app.state.store
    return store


async def _runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.runner
    return runner


async def _owner(request: Request) -> str:
    """The caller's owner id (the key gate has already refused a bad key before the body was
    read; this names the owner and documents the scheme), or 401."""
    known = getattr(request.state, "owner", None)
    settings: ApiSettings = request.app.state.settings
    header = request.headers.get("authorization", "")
    keys = [*settings.api_key_hashes, *settings.admin_key_hashes]
    who = known or owner_of(header, keys, settings.insecure_dev)
    if who is None:
        raise HTTPException(401, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
    return who


Settings = Annotated[ApiSettings, Depends(_settings)]
Context = Annotated[QuoteContext, Depends(_context)]
Store = Annotated[JobStore, Depends(_store)]
Runner = Annotated[JobRunner, Depends(_runner)]
Owner = Annotated[str, Depends(_owner)]


def within(where: str, count: int, cap: int, what: str) -> None:
    """An InputError naming ``where`` when ``count`` is over this server's ``cap``."""
    if count > cap:
        raise InputError(Problem(where, f"{count} {what} is over this server's limit of {cap}"))
