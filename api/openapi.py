"""The published OpenAPI document: FastAPI's, plus the problem schema (and the schemas it refers
to) under components, the bearer-key scheme, an example for every success and error answer, and
the problem types listed under the problem schema."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shipopt.api.openapi_examples import PROBLEMS, success_examples
from shipopt.api.problems import MEDIA_TYPE
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
            components[ProblemDetail.__name__]["description"] = PROBLEM_TYPES
            _add_examples(spec, success_examples(app))
            app.openapi_schema = spec
        return app.openapi_schema

    return openapi


PROBLEM_TYPES = """RFC 9457 problem details (application/problem+json). ``type`` names the
problem: ``about:blank`` (the status says it: 400 malformed body, 413 body too large, 422 a body
that does not match the schema, with each field in ``errors``, 500 internal error),
``/problems/invalid-input`` (422, a valid body the engine refuses: an unknown ZIP, carrier or
service, a date out of range; each field in ``errors``), ``/problems/unauthorized`` (401, no
valid API key), ``/problems/forbidden`` (403, not an admin key), ``/problems/not-found`` (404),
``/problems/conflict`` (409, e.g. the result of a job that is not finished),
``/problems/rate-limited`` (429, over the key's rate; see ``Retry-After``), ``/problems/store``
(503, the job store is unavailable). ``errors[].code``: a stable reason code where one is
defined (e.g. MILITARY_ADDRESS)."""


def _add_examples(spec: dict[str, Any], success: dict[str, Any]) -> None:
    """An example on every answer: the engine's for successes, one problem per error status."""
    for ops in spec["paths"].values():
        for op in ops.values():
            for status, answer in op["responses"].items():
                content = answer.get("content", {})
                own = success.get(f"{op['operationId']}:{status}")
                if own is not None and "application/json" in content:
                    content["application/json"]["example"] = own
                elif status.startswith("2") and "application/json" in content:
                    content["application/json"]["example"] = success[op["operationId"]]
                elif MEDIA_TYPE in content:
                    problem = PROBLEMS[int(status)]
                    content[MEDIA_TYPE]["example"] = problem.model_dump(exclude_none=True)
