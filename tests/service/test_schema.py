"""Schemathesis against the published OpenAPI schema: no server errors, every response as
documented (status, content type, body schema, headers)."""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import TypeAdapter
from schemathesis.specs.openapi.checks import positive_data_acceptance

from shipopt.api import ApiSettings, create_app
from shipopt.api.config import hash_key
from shipopt.units import Mass

KEY = "sk_schema"
_TMP = Path(__import__("tempfile").mkdtemp(prefix="shipopt-schema-"))
APP = create_app(
    ApiSettings(
        api_key_hashes=[hash_key(KEY)],
        database_url=f"sqlite:///{_TMP / 'jobs.db'}",
        job_threads=0,  # jobs are queued, not run: the schema of the job routes is what is tested
        max_solver_seconds=0.2,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # Valid-by-schema input can still be refused (an unknown ZIP, a server limit): that is a
    # documented 422, so "schema-valid data must be accepted" is the one check left out.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {KEY}"}, excluded_checks=[positive_data_acceptance]
    )


def test_schema_has_examples_for_every_body() -> None:
    spec = APP.openapi()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            body = op.get("requestBody")
            if body:
                content = body["content"]["application/json"]
                assert content.get("examples"), (method, path)
            assert "422" in op["responses"] or not body, (method, path)


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_published_document_is_valid_openapi() -> None:
    from openapi_spec_validator import validate

    spec = APP.openapi()
    validate(spec)  # raises on a $ref to nowhere (ProblemDetail -> FieldProblem once did)
    schemas = spec["components"]["schemas"]
    assert "FieldProblem" in schemas and "$defs" not in schemas["ProblemDetail"]


def test_documented_defaults_are_values_the_server_accepts() -> None:
    from shipopt.domain.packing import BoxType
    from shipopt.domain.routing import Stop

    spec = APP.openapi()["components"]["schemas"]
    for model, field in ((BoxType, "tare_weight"), (Stop, "weight")):
        default = spec[model.__name__]["properties"][field]["default"]
        assert default == "0 g"
        assert TypeAdapter(Mass).validate_python(default) == Mass(0)
