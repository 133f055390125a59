import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shipopt.api import ApiSettings, create_app
from shipopt.api.config import hash_key
from shipopt.api.store import JobStore

POSTGRES_URL = os.environ.get("SHIPOPT_TEST_POSTGRES_URL")


def _fresh(url: str) -> JobStore:
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS plan_jobs")
    return JobStore(url)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh job-store URL: SQLite always, PostgreSQL when SHIPOPT_TEST_POSTGRES_URL is set
    (.ci/run starts one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jobs.db'}"
    else:
        if not POSTGRES_URL:
            pytest.skip("SHIPOPT_TEST_POSTGRES_URL not set (.ci/run starts a server)")
        _fresh(POSTGRES_URL).close()
        yield POSTGRES_URL


@pytest.fixture
def store(store_url: str) -> Iterator[JobStore]:
    s = JobStore(store_url)
    yield s
    s.close()


def plan_payload(tmp_path: Path, n_orders: int, seed: int = 1) -> dict[str, object]:
    """A generated day as a POST /v1/plans body (orders, SKUs, warehouses, test boxes)."""
    from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
    from shipopt.batch.sample import sample_day, write_sample
    from shipopt.geo import default_zip_directory
    from tests.conftest import TEST_BOXES

    directory = default_zip_directory()
    paths = write_sample(sample_day(directory, n_orders, seed), tmp_path / f"day{seed}")
    skus = read_skus_csv(paths["skus"])
    book = read_orders_csv(paths["orders"], skus, directory)
    return {
        "orders": [o.model_dump(mode="json") for o in book.orders],
        "skus": [s.model_dump(mode="json") for s in skus.values()],
        "warehouses": [
            {**w.model_dump(mode="json"), "fleet": None}
            for w in read_warehouses_json(paths["warehouses"])
        ],
        "boxes": TEST_BOXES,
        "strategy": "cheapest",
    }


KEY = "sk_test_one"
AUTH = {"Authorization": f"Bearer {KEY}"}


def settings(tmp_path: Path, **kw: Any) -> ApiSettings:
    base: dict[str, Any] = {
        "api_key_hashes": [hash_key(KEY), hash_key("sk_test_two")],
        "database_url": f"sqlite:///{tmp_path / 'jobs.db'}",
        "job_lease_seconds": 3,
    }
    return ApiSettings(**{**base, **kw})


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp_path)), raise_server_exceptions=False) as c:
        yield c


def wait_for(
    c: TestClient, job_id: str, states: tuple[str, ...], seconds: float = 60
) -> dict[str, Any]:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        body: dict[str, Any] = c.get(f"/v1/plans/{job_id}", headers=AUTH).json()
        if body["status"] in states:
            return body
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached {states}: {body}")
