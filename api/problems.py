"""Every error as RFC 9457 problem+json, with the field path of each invalid value."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shipopt.api.schemas import FieldProblem, ProblemDetail
from shipopt.api.store import StoreError
from shipopt.errors import InputError, Problem, field_path

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("shipopt.api")

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    422: "Invalid request",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


DEFAULT_LISTED = 50


def problem_response(
    status: int,
    detail: str = "",
    errors: list[FieldProblem] | None = None,
    kind: str | None = None,
    headers: Mapping[str, str] | None = None,
    listed: int = DEFAULT_LISTED,
) -> JSONResponse:
    """The problem+json answer; at most ``listed`` field errors, with the count left out."""
    errors = errors or []
    omitted = max(len(errors) - listed, 0)
    body = ProblemDetail(
        type=f"/problems/{kind}" if kind else "about:blank",
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        errors=errors[:listed],
        errors_omitted=omitted or None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status,
        headers=dict(headers) if headers else None,
        media_type=MEDIA_TYPE,
    )


def _pointer(parts: list[Any]) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def field_problem(where: str, loc: list[Any], detail: str, code: str | None = None) -> FieldProblem:
    return FieldProblem(field=where, pointer=_pointer(loc), detail=detail, code=code)


def field_from_problem(p: Problem) -> FieldProblem:
    """A library problem as a field error (its ``where`` as dotted path and pointer)."""
    loc: list[Any] = []
    for part in p.where.replace("]", "").replace("[", ".").split("."):
        if part:
            loc.append(int(part) if part.isdigit() else part)
    return field_problem(p.where, loc, p.message, p.code)


def _listed(request: Request | None) -> int:
    settings = getattr(request.app.state, "settings", None) if request is not None else None
    return int(getattr(settings, "max_listed_errors", DEFAULT_LISTED))


def _summary(errors: list[FieldProblem]) -> str:
    detail = "; ".join(f"{e.field}: {e.detail}" for e in errors[:5])
    return detail + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")


def input_error_response(exc: InputError, request: Request | None = None) -> JSONResponse:
    errors = [field_from_problem(p) for p in exc.problems]
    detail = str(exc) if len(errors) <= 5 else _summary(errors)
    return problem_response(422, detail, errors, "invalid-input", listed=_listed(request))


def _allowed(request: Request) -> set[str]:
    """Every method some route serves at this path (matched on the path alone: the scope the
    handler sees is the failed route's, which matches no route's methods)."""
    methods: set[str] = set()
    path = request.url.path
    for regex, served in getattr(request.app.state, "allow_table", ()):
        if regex.match(path):
            methods |= served
    return methods


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for e in exc.errors():
            loc = [p for p in e.get("loc", ()) if not str(p).startswith("function-")]
            body_loc = loc[1:] if loc and loc[0] == "body" else loc
            where = field_path(body_loc) or (str(loc[0]) if loc else "body")
            message = str(e.get("msg", "invalid")).removeprefix("Value error, ")
            errors.append(field_problem(where, body_loc, message))
        return problem_response(
            422, _summary(errors), errors, "invalid-request", listed=_listed(request)
        )

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> JSONResponse:
        return input_error_response(exc, request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else ""
        kind = {401: "unauthorized", 403: "forbidden", 404: "not-found", 409: "conflict"}.get(
            exc.status_code
        )
        headers = dict(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            headers["Allow"] = ", ".join(sorted(_allowed(request)))
        return problem_response(exc.status_code, detail, kind=kind, headers=headers)

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        log.error("job store unavailable: %s", exc)
        return problem_response(503, "the job store is unavailable; retry later", kind="store")

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "an internal error occurred; it has been logged")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses an operation can give."""
    ref = {"$ref": "#/components/schemas/ProblemDetail"}
    return {
        s: {"description": TITLES.get(s, "Error"), "content": {MEDIA_TYPE: {"schema": ref}}}
        for s in statuses
    }
