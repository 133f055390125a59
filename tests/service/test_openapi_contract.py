"""Issue 13: an OpenAPI document that generates a usable client: stable operation ids, a tag
per resource, an example on every request and answer, the problem types documented."""

from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from shipopt.api.schemas import PlanJob, PlanJobPage, ProblemDetail
from shipopt.domain.packing import PackResult
from shipopt.domain.quote import QuoteResponse
from shipopt.domain.routing import RoutingResult

OPERATIONS = {
    ("post", "/v1/quotes"): "createQuote",
    ("post", "/v1/pack"): "packItems",
    ("post", "/v1/routes"): "planRoutes",
    ("post", "/v1/plans"): "createPlan",
    ("get", "/v1/plans"): "listPlans",
    ("get", "/v1/plans/{job_id}"): "getPlan",
    ("delete", "/v1/plans/{job_id}"): "cancelPlan",
    ("get", "/v1/plans/{job_id}/result"): "getPlanResult",
    ("get", "/v1/services"): "listServices",
    ("get", "/healthz"): "getHealth",
    ("get", "/readyz"): "getReadiness",
}
MODELS = {
    "createQuote": QuoteResponse,
    "packItems": PackResult,
    "planRoutes": RoutingResult,
    "createPlan": PlanJob,
    "getPlan": PlanJob,
    "listPlans": PlanJobPage,
}


def test_operations_tags_and_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    found = {(m, p): op["operationId"] for p, ops in spec["paths"].items() for m, op in ops.items()}
    assert {k: v for k, v in found.items() if k in OPERATIONS} == OPERATIONS
    ids = list(found.values())
    assert len(ids) == len(set(ids))
    for (method, path), op_id in found.items():
        op = spec["paths"][path][method]
        assert len(op["tags"]) == 1, op_id
        body = op.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            assert body.get("examples") or body.get("example"), op_id
        for status, answer in op["responses"].items():
            for media, content in answer.get("content", {}).items():
                assert "example" in content, (op_id, status, media)
                example = content["example"]
                if media == "application/problem+json":
                    assert ProblemDetail.model_validate(example).status == int(status)
                elif status.startswith("2") and op_id in MODELS:
                    TypeAdapter(MODELS[op_id]).validate_python(example)
    problem = spec["components"]["schemas"]["ProblemDetail"]["description"]
    for kind in ("unauthorized", "not-found", "conflict", "rate-limited", "store"):
        assert f"/problems/{kind}" in problem


def test_the_quote_example_is_the_engines_answer(client: TestClient) -> None:
    from shipopt.api import examples

    spec = client.get("/openapi.json").json()
    shown = spec["paths"]["/v1/quotes"]["post"]["responses"]["200"]["content"]
    live = client.post(
        "/v1/quotes", json=examples.QUOTE, headers={"Authorization": "Bearer sk_test_one"}
    )
    assert live.status_code == 200
    assert shown["application/json"]["example"]["choice"]["total"] == live.json()["choice"]["total"]
