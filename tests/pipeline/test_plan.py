"""The day's plan (first slice): every input order exactly once, deterministic, priced by the
quote path."""

import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
from shipopt.batch.output import write_plan
from shipopt.batch.sample import sample_day, write_sample
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import summarize
from shipopt.geo import ZipDirectory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.plan import plan_day
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory, directory: ZipDirectory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    write_sample(sample_day(directory, 60, seed=9), folder)
    lines = (folder / "orders.csv").read_text().splitlines()
    real_sku = (folder / "skus.csv").read_text().splitlines()[1].split(",")[0]
    lines += ["BAD-A,NOPE,1,10001,true,,", f"BAD-B,{real_sku},1,99999,true,,"]
    (folder / "orders.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_every_order_once_and_deterministic(day: Path, ctx: QuoteContext, tmp_path: Path) -> None:
    skus = read_skus_csv(day / "skus.csv")
    book = read_orders_csv(day / "orders.csv", skus, ctx.directory)
    warehouses = read_warehouses_json(day / "warehouses.json")
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    plan = plan_day(book, skus, warehouses, boxes, ctx)
    input_ids = {line.split(",")[0] for line in (day / "orders.csv").read_text().splitlines()[1:]}
    ids = [o.order_id for o in plan.orders]
    assert sorted(ids) == sorted(input_ids) and len(ids) == len(set(ids))
    status = {o.order_id: o for o in plan.orders}
    assert status["BAD-A"].status == "unplanned" and "unknown SKU" in status["BAD-A"].reason
    assert status["BAD-B"].status == "unplanned" and "unknown ZIP" in status["BAD-B"].reason
    planned = [o for o in plan.orders if o.status == "planned"]
    assert len(planned) >= 50
    for o in planned:
        assert o.shipments and o.total == sum(s.total for s in o.shipments)
        for s in o.shipments:
            assert s.promised >= s.ship_date and s.boxes
    again = plan_day(
        read_orders_csv(day / "orders.csv", skus, ctx.directory), skus, warehouses, boxes, ctx
    )
    assert again == plan
    paths = write_plan(plan, tmp_path / "out")
    saved = json.loads(paths["plan"].read_text())
    assert len(saved["orders"]) == len(input_ids)
    assert "planned" in paths["summary"].read_text()
    totals = summarize(plan)
    assert totals.planned == len(planned) and totals.orders == len(input_ids)


def test_process_pool_gives_the_same_plan(day: Path, ctx: QuoteContext) -> None:
    from shipopt.domain.plan import PlanSettings

    skus = read_skus_csv(day / "skus.csv")
    book = read_orders_csv(day / "orders.csv", skus, ctx.directory)
    warehouses = read_warehouses_json(day / "warehouses.json")
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    local = plan_day(book, skus, warehouses, boxes, ctx)
    pooled = plan_day(
        book,
        skus,
        warehouses,
        boxes,
        ctx,
        PlanSettings(workers=2, rate_tables=ROOT / "rate_tables"),
    )
    assert pooled == local


def test_cheap_vans_take_the_local_orders_that_pay(
    day: Path, ctx: QuoteContext, tmp_path: Path
) -> None:
    import csv

    from shipopt.domain.batch import Fleet
    from shipopt.pipeline.fleet import OWN_FLEET

    skus = read_skus_csv(day / "skus.csv")
    book = read_orders_csv(day / "orders.csv", skus, ctx.directory)
    warehouses = read_warehouses_json(day / "warehouses.json")
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    carriers_only = plan_day(
        book, skus, [w.model_copy(update={"fleet": None}) for w in warehouses], boxes, ctx
    )
    cheap = Fleet(vans=5, radius_miles=300, fixed_cost=0, cost_per_km="0.01", cost_per_hour=0)
    fleets = [w.model_copy(update={"fleet": cheap if w.id == "NJ1" else None}) for w in warehouses]
    plan = plan_day(book, skus, fleets, boxes, ctx)
    vans = [(o, s) for o in plan.orders for s in o.shipments if s.carrier == OWN_FLEET]
    assert vans, "near-free vans must take some orders"
    before = {o.order_id: o for o in carriers_only.orders}
    routes: dict[str, list] = {}  # type: ignore[type-arg]
    for o, s in vans:
        assert (
            s.warehouse == "NJ1"
            and s.route
            and s.stop
            and s.carrier_quote == before[o.order_id].total
        )
        routes.setdefault(s.route, []).append(s)
    for shipments in routes.values():
        stops = sorted(s.stop for s in shipments)
        assert stops == list(range(1, len(stops) + 1))
        # the vans only take what pays: a route costs no more than the carrier quotes it replaces
        assert sum(s.total for s in shipments) <= sum(s.carrier_quote for s in shipments)
    # the routes the planner's map draws: each van shipment a stop of its route, in order
    assert {r.id for r in plan.routes} == set(routes)
    for r in plan.routes:
        by_stop = sorted(routes[r.id], key=lambda s: s.stop or 0)
        order_of = {id(s): o.order_id for o, s in vans}
        assert [st.order_id for st in r.stops] == [order_of[id(s)] for s in by_stop]
        assert r.warehouse == "NJ1" and r.cost == sum(s.total for s in by_stop)
        assert all(a.departure <= b.arrival for a, b in zip(r.stops, r.stops[1:], strict=False))
    # every packed shipment's layout holds its units once, inside its box
    for o in carriers_only.orders:
        for s in o.shipments:
            for box in s.layout:
                for _, x, y, z, length, width, height in box.units:
                    assert x + length <= box.inner_mm[0] + 1 and y + width <= box.inner_mm[1] + 1
                    assert z + height <= box.inner_mm[2] + 1
    ordered = {o.id: sum(line.quantity for line in o.lines) for o in book.orders}
    for o in carriers_only.orders:
        if o.status == "planned" and all(s.layout for s in o.shipments):
            assert sum(len(b.units) for s in o.shipments for b in s.layout) == ordered[o.order_id]
    assert sorted(o.order_id for o in plan.orders) == sorted(
        o.order_id for o in carriers_only.orders
    )
    assert sum(o.total for o in plan.orders) < sum(o.total for o in carriers_only.orders)
    assert plan == plan_day(book, skus, fleets, boxes, ctx)  # deterministic
    rows = list(csv.DictReader(write_plan(plan, tmp_path / "p")["orders"].open()))
    assert all(len(r) == 16 for r in rows) and any(r["route"] for r in rows)


def test_strategies_and_compare(day: Path, ctx: QuoteContext) -> None:
    from shipopt.domain.plan import check_strategy
    from shipopt.pipeline.compare import compare
    from shipopt.pipeline.fleet import OWN_FLEET

    skus = read_skus_csv(day / "skus.csv")
    book = read_orders_csv(day / "orders.csv", skus, ctx.directory)
    warehouses = [
        w.model_copy(update={"fleet": None}) for w in read_warehouses_json(day / "warehouses.json")
    ]
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    rows, plans = compare(
        book,
        skus,
        warehouses,
        boxes,
        ctx,
        ["cheapest", "fastest", "single-carrier:summit"],
        "no-cartonization",
    )
    assert [r["strategy"] for r in rows] == [
        "no-cartonization",
        "cheapest",
        "fastest",
        "single-carrier:summit",
    ]
    units = {o.id: sum(ln.quantity for ln in o.lines) for o in book.orders}
    by = {
        name: {o.order_id: o for o in plan.orders if o.status == "planned"}
        for name, plan in plans.items()
    }
    for oid, o in by["no-cartonization"].items():  # one box per unit
        assert sum(len(s.boxes) for s in o.shipments) == units[oid]
    for o in by["single-carrier:summit"].values():
        assert all(s.carrier in ("summit", OWN_FLEET) for s in o.shipments)
    common = set(by["cheapest"]) & set(by["no-cartonization"]) & set(by["fastest"])
    assert sum(by["cheapest"][k].total for k in common) < sum(
        by["no-cartonization"][k].total for k in common
    )
    for k in common:  # fastest never promises later than cheapest for the same shipments
        if len(by["fastest"][k].shipments) == len(by["cheapest"][k].shipments) == 1:
            assert by["fastest"][k].shipments[0].promised <= by["cheapest"][k].shipments[0].promised
    with pytest.raises(ValueError, match="unknown strategy"):
        check_strategy("magic")


def test_the_collector_is_quiet_only_while_a_plan_is_made() -> None:
    import gc

    from shipopt.pipeline.pool import loud_collector, quiet_collector

    quiet_collector()
    assert gc.get_threshold()[0] > 10_000 and gc.get_freeze_count() > 0
    loud_collector()
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0
