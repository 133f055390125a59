"""GET /app serves the planner's page (no data in it: the page asks the API with the key the
planner signs in with) and the service's map tile server; the sample day is a valid plan body."""

import json
import re
from pathlib import Path

from fastapi.testclient import TestClient

from shipopt.api import create_app
from tests.service.conftest import AUTH, settings, wait_for


def test_app_page_and_sample_day(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, map_tile_url="https://tiles.example/{z}/{x}/{y}.png"))
    with TestClient(app) as c:
        page = c.get("/app")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        config = re.search(r'id="app-config">(.*?)</script>', page.text, re.S)
        assert config and json.loads(config.group(1))["tile_url"].startswith("https://tiles.")
        data = re.search(r'id="plan-data">(.*?)</script>', page.text, re.S)
        assert data and data.group(1) == "null"  # no plan in the page itself
        day = c.get("/app/sample-day.json").json()
        job = c.post("/v1/plans", json={**day, "strategy": "cheapest"}, headers=AUTH)
        assert job.status_code == 202, job.text
        done = wait_for(c, job.json()["id"], ("succeeded", "failed"))
        assert done["status"] == "succeeded", done
