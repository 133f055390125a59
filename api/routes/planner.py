"""The planner's page at ``/app`` (the same page as ``shipopt plan report``, reading plans
through the public HTTP API with the key the planner signs in with), and a sample day to
re-plan from it. Neither carries data a key protects: the page asks the API for everything."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse

from shipopt.api.deps import Settings

router = APIRouter(include_in_schema=False)


@cache
def _page(tile_url: str, attribution: str) -> str:
    from shipopt.web.report import page

    return page(None, {"tile_url": tile_url, "tile_attribution": attribution})


@cache
def sample_day() -> dict[str, Any]:
    """The examples' small day (examples/batch and the sample boxes) as a POST /v1/plans body."""
    from shipopt import samples
    from shipopt.batch.inputs import read_orders_json, read_skus_csv, read_warehouses_json

    folder = samples.examples() / "batch"
    skus = read_skus_csv(folder / "skus.csv")
    book = read_orders_json(folder / "orders.json", skus)
    return {
        "orders": [o.model_dump(mode="json") for o in book.orders],
        "skus": [s.model_dump(mode="json") for s in skus.values()],
        "warehouses": [
            w.model_dump(mode="json") for w in read_warehouses_json(folder / "warehouses.json")
        ],
        "boxes": json.loads(samples.boxes().read_text(encoding="utf-8")),
    }


@router.get("/app", response_class=HTMLResponse)
def planner_page(settings: Settings) -> HTMLResponse:
    html = _page(settings.map_tile_url, settings.map_tile_attribution)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.get("/app/sample-day.json")
def planner_sample_day() -> JSONResponse:
    return JSONResponse(sample_day())
