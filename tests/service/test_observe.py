"""Issue 13: request ids, JSON request logs, Prometheus metrics and per-key rate limits."""

import json
import logging
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shipopt.api import create_app, examples
from shipopt.api.config import hash_key
from shipopt.api.observe import JsonFormatter
from shipopt.api.security import RateLimiter
from tests.service.conftest import AUTH, settings

OTHER = {"Authorization": "Bearer sk_test_two"}


def test_request_ids_and_one_json_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="shipopt.api.requests"):
        given = client.post(
            "/v1/quotes", json=examples.QUOTE, headers={**AUTH, "X-Request-ID": "abc-123"}
        )
        made = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert given.headers["x-request-id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    again = client.get("/healthz").headers["x-request-id"]
    assert again != made.headers["x-request-id"] and again[:12] == made.headers["x-request-id"][:12]
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.msg == "request"]
    quote = next(x for x in lines if x["request_id"] == "abc-123")
    assert quote["route"] == "/v1/quotes" and quote["status"] == 200 and quote["method"] == "POST"
    assert quote["ms"] > 0 and quote["owner"] == hash_key("sk_test_one")[:16]
    assert any(x["route"] == "/healthz" for x in lines)


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    client.post("/v1/quotes", json=examples.QUOTE, headers=AUTH)
    client.get("/v1/plans/nope", headers=AUTH)
    text = client.get("/metrics").text
    assert 'shipopt_requests_total{method="POST",route="/v1/quotes",status="200"} 1.0' in text
    assert (
        'shipopt_requests_total{method="GET",route="/v1/plans/{job_id}",status="404"} 1.0' in text
    )
    assert 'shipopt_request_seconds_bucket{le="0.1",method="POST",route="/v1/quotes"}' in text
    assert "shipopt_plan_jobs_queued 0.0" in text
    assert re.search(
        r'shipopt_rate_table_info\{effective_from="[0-9-]+",service="[a-z]+/[a-z_]+",version="[^"]+"\} 1\.0',
        text,
    )


def test_the_token_bucket() -> None:
    limiter = RateLimiter(2.0, 3, {"vip": 100.0})
    assert [limiter.wait("a", now=10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait("a", now=10.0) == pytest.approx(0.5)
    assert limiter.wait("a", now=10.5) == 0.0  # one token back after half a second
    assert limiter.wait("b", now=10.5) == 0.0  # each key its own bucket
    assert all(limiter.wait("vip", now=10.0) == 0.0 for _ in range(50))
    assert RateLimiter(None, None, {}).wait("a") == 0.0


def test_a_key_over_its_rate_gets_429_with_retry_after(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, rate_limit_per_second=0.5, rate_limit_burst=2))
    with TestClient(app) as c:
        codes = [c.get("/v1/services", headers=AUTH).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = c.get("/v1/services", headers=AUTH)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["type"] == "/problems/rate-limited"
        assert c.get("/v1/services", headers=OTHER).status_code == 200  # another key
        assert c.get("/healthz").status_code == 200  # unkeyed routes are not limited


def test_per_key_rates_are_checked_hashes() -> None:
    from shipopt.api import ApiSettings
    from shipopt.errors import InputError

    with pytest.raises(InputError, match="key_rate_limits"):
        ApiSettings.build(insecure_dev=True, key_rate_limits={"nothex": 5})


def test_each_worker_logs_at_the_level_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """uvicorn --workers N builds each worker's app from the environment: its log level too (a
    worker that logged every request at info slowed the quote benchmark)."""
    from shipopt.cli.serve import app_from_environment

    monkeypatch.setenv("SHIPOPT_INSECURE_DEV", "true")
    monkeypatch.setenv("SHIPOPT_DATABASE_URL", f"sqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setenv("SHIPOPT_LOG_LEVEL", "warning")
    monkeypatch.delenv("SHIPOPT_SETTINGS_FILE", raising=False)
    try:
        app_from_environment()
        assert not logging.getLogger("shipopt.api.requests").isEnabledFor(logging.INFO)
    finally:
        root = logging.getLogger("shipopt")
        root.handlers[:] = []
        root.setLevel(logging.NOTSET)
        root.propagate = True
