"""The published OpenAPI document: FastAPI's, plus the problem schema (and the schemas it refers
to) under components, and the bearer-key scheme."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shipopt.api.schemas import ProblemDetail


def openapi_builder(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            components = spec.setdefault("components", {}).setdefault("schemas", {})
            schema = ProblemDetail.model_json_schema(ref_template="#/components/schemas/{model}")
            for inner, definition in schema.pop("$defs", {}).items():
                components.setdefault(inner, definition)  # where the refs point
            components.setdefault(ProblemDetail.__name__, schema)
            spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
            spec["security"] = [{"bearer": []}]
            app.openapi_schema = spec
        return app.openapi_schema

    return openapi
