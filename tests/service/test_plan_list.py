"""Issue 13: GET /v1/plans lists the caller's jobs, newest first, by cursor pages."""

from pathlib import Path

from fastapi.testclient import TestClient

from shipopt.api import create_app
from tests.service.conftest import AUTH, plan_payload, settings

OTHER = {"Authorization": "Bearer sk_test_two"}


def test_pages_newest_first_by_status_and_owner(tmp_path: Path) -> None:
    body = plan_payload(tmp_path, 3)
    # no job runners: every job stays queued until cancelled
    with TestClient(create_app(settings(tmp_path, job_threads=0))) as c:
        ids = [c.post("/v1/plans", json=body, headers=AUTH).json()["id"] for _ in range(5)]
        c.post("/v1/plans", json=body, headers=OTHER)
        c.delete(f"/v1/plans/{ids[1]}", headers=AUTH)
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = c.get("/v1/plans", params=params, headers=AUTH).json()
            assert len(page["jobs"]) <= 2
            seen += [j["id"] for j in page["jobs"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ids[::-1]  # newest first, each once, none of the other key's
        cancelled = c.get("/v1/plans", params={"status": "cancelled"}, headers=AUTH).json()
        assert [j["id"] for j in cancelled["jobs"]] == [ids[1]]
        assert cancelled["next_cursor"] is None
        mine = c.get("/v1/plans", headers=OTHER).json()["jobs"]
        assert len(mine) == 1 and mine[0]["id"] not in ids
        bad = c.get("/v1/plans", params={"cursor": "nope"}, headers=AUTH)
        assert bad.status_code in (400, 422) and "cursor" in bad.text
        assert c.get("/v1/plans", params={"status": "done"}, headers=AUTH).status_code == 422
        assert c.get("/v1/plans").status_code == 401


def test_unknown_query_parameter_is_refused(tmp_path: Path) -> None:
    with TestClient(create_app(settings(tmp_path, job_threads=0))) as c:
        r = c.get("/v1/plans", params={"stauts": "done", "limit": 5}, headers=AUTH)
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "query.stauts" in r.text and "unknown query parameter" in r.text
        assert c.get("/v1/plans", params={"status": "queued"}, headers=AUTH).status_code == 200
