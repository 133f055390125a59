"""Issue 13: the typed Python client, against the service in process and a scripted server."""

from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from shipopt.api import examples
from shipopt.api.schemas import PlanJobRequest
from shipopt.client import ApiError, ShipoptClient
from shipopt.domain.packing import PackRequest
from shipopt.domain.quote import QuoteRequest
from shipopt.domain.quote_batch import BatchShipment
from shipopt.domain.routing import RoutingRequest
from tests.service.conftest import KEY, plan_payload


@pytest.fixture
def api(client: TestClient) -> ShipoptClient:
    return ShipoptClient(api_key=KEY, http=client, backoff=0.01)


def test_every_operation(api: ShipoptClient, tmp_path: Path) -> None:
    answer = api.quote(QuoteRequest.model_validate(examples.QUOTE))
    assert answer.choice is not None and answer.rates[0] == answer.choice
    batch = api.quote_batch(
        [BatchShipment.model_validate(s) for s in examples.QUOTE_BATCH["shipments"]]
    )
    assert len(batch.results) == 2 and all(r.choice for r in batch.results)
    assert api.pack(PackRequest.model_validate(examples.PACK)).boxes
    assert api.routes(RoutingRequest.model_validate({**examples.ROUTES, "time_limit": 0.3})).routes
    assert api.services() and api.health().status == "ok"
    request = PlanJobRequest.model_validate(plan_payload(tmp_path, 4))
    job = api.submit_plan(request, idempotency_key="day-1")
    assert api.submit_plan(request, idempotency_key="day-1").id == job.id  # a retry: same job
    done = api.wait_for_plan(job.id, timeout=60, poll=0.05)
    assert done.status == "succeeded"
    result = api.plan_result(job.id)
    assert result.summary.orders == len(result.plan.orders) > 0
    assert [j.id for j in api.all_plans()] == [job.id]
    assert api.plans(status="queued").jobs == []


def test_errors_carry_the_problem(api: ShipoptClient, client: TestClient) -> None:
    bad = {**examples.QUOTE, "shipment": {**examples.QUOTE["shipment"],
                                          "destination": {"postal_code": "00000"}}}  # fmt: skip
    with pytest.raises(ApiError) as caught:
        api.quote(QuoteRequest.model_validate(bad))
    assert caught.value.status == 422
    assert caught.value.problem.errors[0].field == "shipment.destination.postal_code"
    with pytest.raises(ApiError) as missing:
        api.plan("nope")
    assert missing.value.status == 404 and missing.value.problem.type == "/problems/not-found"
    with pytest.raises(ApiError) as unauthorized:
        ShipoptClient(api_key="sk_wrong", http=client).services()
    assert unauthorized.value.status == 401


def test_retries_busy_and_rate_limited_answers() -> None:
    script = [503, 429, 200]
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("authorization", ""))
        status = script.pop(0)
        if status != 200:
            return httpx2.Response(status, headers={"Retry-After": "0"},
                                   json={"title": "busy", "status": status})  # fmt: skip
        return httpx2.Response(200, json={"status": "ok"})

    http = httpx2.Client(base_url="http://test", transport=httpx2.MockTransport(handler))
    api = ShipoptClient(api_key="k", http=http, backoff=0.001)
    assert api.health().status == "ok"
    assert seen == ["Bearer k"] * 3
    script[:] = [503, 503]
    with pytest.raises(ApiError) as caught:
        ShipoptClient(http=http, retries=1, backoff=0.001).health()
    assert caught.value.status == 503
