"""How a plan run starts and ends (issue 17: the 100,000-order day in 60 s): the pool's workers
start, and load the rate tables, while the parent still reads the orders; a run that fails
before planning leaves no worker behind; the collector is back to normal after a run."""

import gc
import multiprocessing
import time
from datetime import date
from pathlib import Path

from pydantic import TypeAdapter
from typer.testing import CliRunner

from shipopt.batch.inputs import read_skus_csv, read_warehouses_json
from shipopt.cli.main import app
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import PlanSettings
from shipopt.pipeline.plan import start_pool
from tests.conftest import ROOT, SAMPLE_TABLES

BATCH = ROOT / "examples" / "batch"


def _wait_for(condition: object, seconds: float = 20.0) -> bool:
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


def test_a_pool_starts_its_workers_before_it_is_given_work() -> None:
    before = set(multiprocessing.active_children())
    skus = read_skus_csv(BATCH / "skus.csv")
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    settings = PlanSettings(day=date(2026, 12, 1), workers=2, rate_tables=SAMPLE_TABLES)
    pool = start_pool(skus, boxes, read_warehouses_json(BATCH / "warehouses.json"), settings)
    assert pool is not None
    try:
        started = set(multiprocessing.active_children()) - before
        assert len(started) == 2  # not one per task later: both now, loading as we go on
    finally:
        pool.close(failed=True)
    assert start_pool(skus, boxes, [], PlanSettings(workers=1)) is None


def _plan_args(orders: Path, out: Path) -> list[str]:
    return ["plan", "run", "--orders", str(orders), "--skus", str(BATCH / "skus.csv"),
            "--warehouses", str(BATCH / "warehouses.json"), "--boxes",
            str(ROOT / "examples" / "boxes.json"), "--out", str(out), "--workers", "2",
            "--pack-effort", "fast", "--tables", str(SAMPLE_TABLES)]  # fmt: skip


def test_a_run_whose_orders_cannot_be_read_leaves_no_worker(tmp_path: Path) -> None:
    before = set(multiprocessing.active_children())
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,quantity\nA-1,2\n")  # no sku, no postal_code column
    result = CliRunner().invoke(app, _plan_args(orders, tmp_path / "plan"))
    assert result.exit_code != 0 and "missing columns" in result.output
    assert "Traceback" not in result.output
    assert _wait_for(lambda: not set(multiprocessing.active_children()) - before)
    assert gc.get_threshold() == (700, 10, 10)


def test_after_a_run_the_collector_is_as_python_sets_it_up(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, _plan_args(BATCH / "orders.csv", tmp_path / "plan"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "plan" / "plan.json").is_file()
    assert gc.get_threshold() == (700, 10, 10) and gc.get_freeze_count() == 0
