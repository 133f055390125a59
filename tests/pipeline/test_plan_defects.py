"""Regression tests for batch-planning defects found on a held-back day (issue 11)."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
from shipopt.batch.output import write_plan
from shipopt.batch.sample import sample_day, write_sample
from shipopt.domain.batch import Order, OrderLine
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import Plan, PlanSettings, Unplanned, UnplannedCode
from shipopt.errors import InputError
from shipopt.geo import ZipDirectory
from shipopt.pipeline.baskets import Baskets, pack_basket
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.plan import plan_day
from shipopt.pipeline.shipments import decide_shipment
from tests.conftest import ROOT, SAMPLE_TABLES

BATCH = ROOT / "examples" / "batch"
HEADER = "order_id,sku,quantity,postal_code,residential,deliver_by,ordered_at,address"


def _day(tmp_path: Path, *extra_rows: str) -> Path:
    folder = tmp_path / "day"
    shutil.copytree(BATCH, folder)
    with (folder / "orders.csv").open("a") as fh:
        fh.writelines(row + "\n" for row in extra_rows)
    return folder


def _plan(folder: Path, ctx: QuoteContext, **settings: object) -> Plan:
    skus = read_skus_csv(folder / "skus.csv")
    book = read_orders_csv(folder / "orders.csv", skus, ctx.directory)
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    warehouses = read_warehouses_json(folder / "warehouses.json")
    return plan_day(book, skus, warehouses, boxes, ctx, PlanSettings(**settings))  # type: ignore[arg-type]


def test_one_sku_on_two_lines_is_one_line(tmp_path: Path, ctx: QuoteContext) -> None:
    folder = _day(tmp_path, "A-1002,LAMP-03,1,90012,true,,2026-12-01T09:40:00,400 Oak Ave")
    book = read_orders_csv(folder / "orders.csv", read_skus_csv(folder / "skus.csv"))
    (order,) = [o for o in book.orders if o.id == "A-1002"]
    assert [(ln.sku, ln.quantity) for ln in order.lines] == [("LAMP-03", 2)]
    plan = _plan(folder, ctx)
    assert {o.order_id: o.status for o in plan.orders}["A-1002"] == "planned"


@pytest.mark.parametrize("quantity", ["--1", "²", "٣", "1.5", "-2"])
def test_a_bad_quantity_sets_its_order_aside(
    tmp_path: Path, ctx: QuoteContext, quantity: str
) -> None:
    folder = _day(tmp_path, f"Z-1,MUG-01,{quantity},10001,true,,2026-12-01T09:00:00,1 A St")
    plan = _plan(folder, ctx)
    status = {o.order_id: o for o in plan.orders}
    assert status["Z-1"].status == "unplanned"
    assert "quantity" in status["Z-1"].reason and "row" in status["Z-1"].reason
    assert sum(o.status == "planned" for o in plan.orders) >= 3


def test_ordered_at_with_and_without_offsets(tmp_path: Path, ctx: QuoteContext) -> None:
    folder = _day(
        tmp_path,
        "Z-2,MUG-01,1,60601,true,,2026-12-01T08:00:00-06:00,2 B St",
        "Z-3,MUG-01,1,60601,true,,2026-12-01T16:00:00Z,3 C St",
    )
    plan = _plan(folder, ctx, strategy="full")
    status = {o.order_id: o.status for o in plan.orders}
    assert status["Z-2"] == status["Z-3"] == "planned"


def test_nothing_ships_before_the_plans_day(tmp_path: Path, ctx: QuoteContext) -> None:
    folder = _day(
        tmp_path,
        "Z-4,MUG-01,1,94105,true,,2026-11-28T10:00:00,4 D St",
        "Z-5,MUG-01,1,94105,true,,2026-11-28T10:00:00+00:00,5 E St",
    )
    plan = _plan(folder, ctx)
    for oid in ("Z-4", "Z-5"):
        (decision,) = [o for o in plan.orders if o.order_id == oid]
        assert decision.status == "planned"
        assert all(s.ship_date >= date(2026, 12, 1) for s in decision.shipments)


def test_the_basket_is_packed_the_same_whatever_its_line_order(
    tmp_path: Path, ctx: QuoteContext
) -> None:
    forward = _day(
        tmp_path / "f",
        "Z-6,MUG-01,3,60601,true,,2026-12-01T09:00:00,6 F St",
        "Z-6,LAMP-03,2,60601,true,,2026-12-01T09:00:00,6 F St",
    )
    backward = _day(
        tmp_path / "b",
        "Z-6,LAMP-03,2,60601,true,,2026-12-01T09:00:00,6 F St",
        "Z-6,MUG-01,3,60601,true,,2026-12-01T09:00:00,6 F St",
    )
    a = {o.order_id: o for o in _plan(forward, ctx).orders}["Z-6"]
    b = {o.order_id: o for o in _plan(backward, ctx).orders}["Z-6"]
    assert a == b


def test_one_worker_and_a_pool_give_the_same_plan(tmp_path: Path, ctx: QuoteContext) -> None:
    folder = _day(
        tmp_path,
        "Z-7,LAMP-03,2,60601,true,,2026-12-01T09:00:00,7 G St",
        "Z-7,MUG-01,3,60601,true,,2026-12-01T09:00:00,7 G St",
        "Z-8,MUG-01,3,30303,true,,2026-12-01T09:00:00,8 H St",
        "Z-8,LAMP-03,2,30303,true,,2026-12-01T09:00:00,8 H St",
    )
    serial = _plan(folder, ctx)
    pooled = _plan(folder, ctx, workers=2, rate_tables=SAMPLE_TABLES)
    assert serial == pooled


def test_pack_basket_does_not_depend_on_line_order(
    tmp_path: Path, ctx: QuoteContext, directory: ZipDirectory
) -> None:
    write_sample(sample_day(directory, 10, seed=1), tmp_path)
    skus = read_skus_csv(tmp_path / "skus.csv")
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    fast = PlanSettings(pack_starts=2, pack_exact=False, pack_extra=False)
    lines = (OrderLine(sku="BUL-0064", quantity=3), OrderLine(sku="BUL-0062", quantity=1))
    forward = pack_basket(lines, skus, boxes, ctx, fast, Baskets())
    backward = pack_basket(lines[::-1], skus, boxes, ctx, fast, Baskets())
    assert forward == backward


def test_rows_without_an_order_reach_the_plan_folder(tmp_path: Path, ctx: QuoteContext) -> None:
    folder = _day(tmp_path, ",MUG-01,1,10001,true,,2026-12-01T09:00:00,1 A St")
    plan = _plan(folder, ctx)
    assert [p.message for p in plan.row_problems] == ["no order_id"]
    paths = write_plan(plan, tmp_path / "out")
    assert "no order_id" in paths["row_problems"].read_text()
    assert "name no order" in paths["summary"].read_text()
    assert json.loads(paths["plan"].read_text())["row_problems"][0]["message"] == "no order_id"


def test_a_bad_length_in_the_catalog_shows_a_length_example(tmp_path: Path) -> None:
    (tmp_path / "skus.csv").write_text(
        "sku,length,width,height,dims_unit,weight,weight_unit\nX,abc,2,2,in,1,lb\n"
    )
    with pytest.raises(InputError) as err:
        read_skus_csv(tmp_path / "skus.csv")
    assert "'12 in'" in str(err.value) and "lb" not in str(err.value).split("must look like")[1]


def test_a_mostly_bad_file_stops_with_a_clear_error(tmp_path: Path, ctx: QuoteContext) -> None:
    garbage = [f"G-{i},NOPE,x,abc,true,,," for i in range(40)]
    folder = _day(tmp_path, *garbage)
    with pytest.raises(InputError, match=r"40 of 45 orders \(89%\) have bad rows.*20%"):
        _plan(folder, ctx)
    assert len(_plan(folder, ctx, max_bad_share=1.0).orders) == 45


def test_rejected_orders_keep_their_input_place(tmp_path: Path, ctx: QuoteContext) -> None:
    folder = tmp_path / "day"
    shutil.copytree(BATCH, folder)
    rows = (folder / "orders.csv").read_text().splitlines()
    rows.insert(1, "Z-0,NOPE,1,10001,true,,2026-12-01T09:00:00,1 A St")
    (folder / "orders.csv").write_text("\n".join(rows) + "\n")
    ids = [o.order_id for o in _plan(folder, ctx).orders]
    expected = list(dict.fromkeys(r.split(",")[0] for r in rows[1:]))
    assert ids == expected and ids[0] == "Z-0"


def test_service_level_limits_transit_days(tmp_path: Path, ctx: QuoteContext) -> None:
    folder = tmp_path / "day"
    shutil.copytree(BATCH, folder)
    (folder / "orders.csv").write_text(
        HEADER + ",service_level\n"
        "S-1,MUG-01,1,94105,true,,2026-12-01T09:00:00,1 A St,standard\n"
        "S-2,MUG-01,1,94105,true,,2026-12-01T09:00:00,1 A St,overnight\n"
        "S-3,MUG-01,1,94105,true,,2026-12-01T09:00:00,1 A St,expedited\n"
    )
    plan = _plan(folder, ctx)
    by_id = {o.order_id: o.shipments[0] for o in plan.orders}
    days = {oid: (s.promised - s.ship_date).days for oid, s in by_id.items()}
    assert days["S-1"] > 2
    assert days["S-2"] <= 1 and days["S-3"] <= 3  # business days: at most 2 (+ a weekend)
    assert by_id["S-2"].total > by_id["S-3"].total > by_id["S-1"].total
    # the strategy file maps the levels: overnight mapped to 5 days ships on ground
    loose = _plan(folder, ctx, service_levels=(("overnight", 5),))
    assert {o.order_id: o.shipments[0] for o in loose.orders}["S-2"] == by_id["S-1"]


def test_single_carrier_of_an_unknown_carrier_is_refused(tmp_path: Path, ctx: QuoteContext) -> None:
    with pytest.raises(InputError, match="unknown carrier 'nosuch'; known: continental"):
        _plan(_day(tmp_path), ctx, strategy="single-carrier:nosuch")


def test_unplanned_orders_carry_a_reason_code(tmp_path: Path, ctx: QuoteContext) -> None:
    """Issue 12: each unplanned outcome has a stable code beside its message."""
    folder = _day(
        tmp_path,
        "Z-20,MUG-01,x,10001,true,,2026-12-01T09:00:00,1 A St",  # bad quantity
        "Z-21,MUG-01,900,10001,true,,2026-12-01T09:00:00,2 A St",  # more than any stock
    )
    plan = _plan(folder, ctx)
    by_id = {o.order_id: o for o in plan.orders}
    assert by_id["Z-20"].code == UnplannedCode.INVALID_INPUT
    assert by_id["Z-21"].code == UnplannedCode.OUT_OF_STOCK
    assert all((o.code is None) == (o.status == "planned") for o in plan.orders)


def test_a_basket_no_box_takes_is_cannot_pack(ctx: QuoteContext) -> None:
    skus = read_skus_csv(BATCH / "skus.csv")
    warehouses = read_warehouses_json(BATCH / "warehouses.json")
    tiny = BoxType.model_validate(
        {"name": "tiny", "inner": "2x2x2 in", "outer": "2.2x2.2x2.2 in", "max_gross_weight": "1 lb"}
    )
    order = Order.model_validate(
        {"id": "Z-22", "lines": [{"sku": "LAMP-03", "quantity": 1}],
         "destination": {"postal_code": "10001", "residential": True}}
    )  # fmt: skip
    decision = decide_shipment(order, warehouses[0], tuple(order.lines), skus, [tiny], ctx,
                               PlanSettings())  # fmt: skip
    assert isinstance(decision, Unplanned) and decision.code == UnplannedCode.CANNOT_PACK
    assert decision.message.startswith("shipment from NJ1: ")
