"""The Ray executor makes the same plan as the local one (a local Ray, two CPUs)."""

from pathlib import Path

import pytest
from pydantic import TypeAdapter

from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
from shipopt.batch.sample import sample_day, write_sample
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import PlanSettings
from shipopt.geo import ZipDirectory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.plan import plan_day
from tests.conftest import ROOT

pytest.importorskip("ray")


def test_ray_plan_equals_local_plan(
    tmp_path: Path, ctx: QuoteContext, directory: ZipDirectory
) -> None:
    write_sample(sample_day(directory, 60, seed=11), tmp_path)
    skus = read_skus_csv(tmp_path / "skus.csv")
    book = read_orders_csv(tmp_path / "orders.csv", skus, directory)
    warehouses = [
        w.model_copy(update={"fleet": None})
        for w in read_warehouses_json(tmp_path / "warehouses.json")
    ]
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    base = PlanSettings(strategy="full", pack_starts=2, seed=3, rate_tables=ROOT / "rate_tables")
    local = plan_day(book, skus, warehouses, boxes, ctx, base)
    on_ray = plan_day(
        book,
        skus,
        warehouses,
        boxes,
        ctx,
        PlanSettings(**{**base.__dict__, "executor": "ray", "workers": 2}),
    )
    assert on_ray == local
    assert sum(o.status == "planned" for o in local.orders) >= 50
