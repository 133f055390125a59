"""The examples' day planned with the full strategy: the plan folder, the charts, and the
consolidation and freight decisions the example is built to show."""

import csv
from pathlib import Path

from pydantic import TypeAdapter

from shipopt.batch.charts import write_charts
from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
from shipopt.batch.output import write_plan
from shipopt.domain.batch import Fleet
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import PlanOptions
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.plan import plan_day
from tests.conftest import ROOT

DAY = ROOT / "examples" / "batch"


def test_examples_day_full_plan(tmp_path: Path, ctx: QuoteContext) -> None:
    skus = read_skus_csv(DAY / "skus.csv")
    book = read_orders_csv(DAY / "orders.csv", skus, ctx.directory)
    warehouses = read_warehouses_json(DAY / "warehouses.json")
    cheap = Fleet(vans=1, radius_miles=100, fixed_cost=0, cost_per_km="0.01", cost_per_hour=0)
    warehouses = [w.model_copy(update={"fleet": cheap}) if w.id == "CA1" else w for w in warehouses]
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    plan = plan_day(book, skus, warehouses, boxes, ctx, PlanOptions(strategy="full").settings())
    paths = write_plan(plan, tmp_path, vans=4)
    orders = {o.id: o for o in book.orders}
    paths.update(write_charts(plan, tmp_path, orders, warehouses, ctx.directory))
    for name in ("plan", "orders", "summary", "cost_by_service", "deliveries_per_day", "routes"):
        assert paths[name].exists() and paths[name].stat().st_size > 0, name
    rows = {r["order_id"]: r for r in csv.DictReader(paths["orders"].open())}
    assert set(rows) == {"A-1001", "A-1002", "A-1003", "A-1004", "B-2001"}
    # two orders to 12 Main St ride together; the restock of 30 cases goes on pallets
    assert (
        rows["A-1001"]["consolidated"]
        and rows["A-1001"]["consolidated"] == rows["A-1003"]["consolidated"]
    )
    assert int(rows["B-2001"]["pallets"]) >= 1
    # the near-free van at CA1 takes the Los Angeles-area order... only if it is within reach
    assert rows["A-1002"]["carrier"] in (
        "own-fleet",
        "summit",
        "continental",
        "nationalpost",
        "lakeshore",
    )
    summary = paths["summary"].read_text()
    assert "fill rate" in summary and "own fleet" in summary and "| carrier | cost |" in summary
