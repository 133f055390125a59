"""An interrupted plan resumes from its journal without redoing finished shipments, and ends
with the same plan as an uninterrupted run."""

from pathlib import Path

import pytest
from pydantic import TypeAdapter

import shipopt.pipeline.plan as plan_module
import shipopt.pipeline.shipments as shipments_module
from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
from shipopt.batch.sample import sample_day, write_sample
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import PlanSettings, Unplanned, UnplannedCode
from shipopt.geo import ZipDirectory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.journal import Journal, run_fingerprint
from shipopt.pipeline.plan import plan_day
from tests.conftest import ROOT


class StopPlanError(Exception):
    pass


def test_resume_skips_finished_work(
    tmp_path: Path, ctx: QuoteContext, directory: ZipDirectory
) -> None:
    write_sample(sample_day(directory, 40, seed=5), tmp_path / "day")
    skus = read_skus_csv(tmp_path / "day" / "skus.csv")
    book = read_orders_csv(tmp_path / "day" / "orders.csv", skus, directory)
    warehouses = [
        w.model_copy(update={"fleet": None})
        for w in read_warehouses_json(tmp_path / "day" / "warehouses.json")
    ]
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    settings = PlanSettings(pack_starts=2)
    whole = plan_day(book, skus, warehouses, boxes, ctx, settings)
    run = run_fingerprint(book, skus, warehouses, boxes, settings)
    journal = Journal(tmp_path / "out" / ".journal.jsonl", run)

    def stop_after_15(done: int, total: int) -> None:
        if done == 15:
            raise StopPlanError

    with pytest.raises(StopPlanError):
        plan_day(book, skus, warehouses, boxes, ctx, settings, stop_after_15, journal)
    assert len(journal.path.read_text().splitlines()) == 1 + 1 + 15  # header, sourcing, 15
    calls = []
    real = shipments_module.decide_shipment

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[0].id)
        return real(*args, **kwargs)

    shipments_module.decide_shipment = counting  # type: ignore[assignment]
    try:
        resumed = plan_day(book, skus, warehouses, boxes, ctx, settings, None, journal, resume=True)
    finally:
        shipments_module.decide_shipment = real
    shipments = sum(len(o.shipments) or 1 for o in whole.orders if o.status == "planned")
    assert len(calls) == shipments - 15
    assert resumed == whole
    assert not journal.path.exists()  # a finished run leaves no journal behind


def test_a_journal_of_other_settings_is_not_reused(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    journal = Journal(path, "run-a")
    nope = Unplanned(code=UnplannedCode.NO_SERVICE, message="shipment from W: nope")
    journal.start({"O1|W": nope})
    journal.close(finished=False)
    assert Journal(path, "run-a").load() == {"O1|W": nope}
    assert Journal(path, "run-b").load() == {}
    path.write_text(path.read_text() + '{"key": "O2|W", "decis')  # torn last line
    assert Journal(path, "run-a").load() == {"O1|W": nope}


def test_the_fingerprint_ignores_how_the_plan_is_computed() -> None:
    from dataclasses import replace

    from shipopt.domain.plan import OrderBook, PlanSettings
    from shipopt.pipeline.journal import run_fingerprint

    base = PlanSettings()
    same = [
        replace(base, executor="ray"),
        replace(base, executor="ray", ray_address="ray://10.0.0.1:10001", workers=8),
        replace(base, workers=2, rate_tables=Path("elsewhere")),
    ]
    book = OrderBook()
    expected = run_fingerprint(book, {}, [], [], base)
    assert all(run_fingerprint(book, {}, [], [], s) == expected for s in same)
    assert run_fingerprint(book, {}, [], [], replace(base, seed=1)) != expected


def _day(tmp_path: Path, directory: ZipDirectory, local: float) -> tuple:  # type: ignore[type-arg]
    write_sample(sample_day(directory, 60, seed=8, local_share=local), tmp_path / "day")
    skus = read_skus_csv(tmp_path / "day" / "skus.csv")
    book = read_orders_csv(tmp_path / "day" / "orders.csv", skus, directory)
    warehouses = read_warehouses_json(tmp_path / "day" / "warehouses.json")
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    return book, skus, warehouses, boxes


def test_a_resumed_run_does_not_source_again(
    tmp_path: Path, ctx: QuoteContext, directory: ZipDirectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    book, skus, warehouses, boxes = _day(tmp_path, directory, 0.0)
    warehouses = [w.model_copy(update={"fleet": None}) for w in warehouses]
    settings = PlanSettings(pack_starts=2)
    whole = plan_day(book, skus, warehouses, boxes, ctx, settings)
    journal = Journal(
        tmp_path / "j.jsonl", run_fingerprint(book, skus, warehouses, boxes, settings)
    )

    def stop_after_5(done: int, total: int) -> None:
        if done == 5:
            raise StopPlanError

    with pytest.raises(StopPlanError):
        plan_day(book, skus, warehouses, boxes, ctx, settings, stop_after_5, journal)

    def no_sourcing(*args: object, **kwargs: object) -> None:
        raise AssertionError("sourced again")

    monkeypatch.setattr(plan_module, "source_by_cost", no_sourcing)
    resumed = plan_day(book, skus, warehouses, boxes, ctx, settings, None, journal, resume=True)
    assert resumed == whole


def test_a_full_run_stopped_in_consolidation_resumes_there(
    tmp_path: Path, ctx: QuoteContext, directory: ZipDirectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shipopt.pipeline.consolidate as consolidate_module
    import shipopt.pipeline.fleet as fleet_module

    book, skus, warehouses, boxes = _day(tmp_path, directory, 0.3)
    settings = PlanSettings(pack_starts=2, strategy="full", route_iterations=300)
    whole = plan_day(book, skus, warehouses, boxes, ctx, settings)
    journal = Journal(
        tmp_path / "j.jsonl", run_fingerprint(book, skus, warehouses, boxes, settings)
    )
    real_fleet = fleet_module.assign_own_fleet

    def stop_in_fleet(*args: object, **kwargs: object) -> None:
        raise StopPlanError

    monkeypatch.setattr(fleet_module, "assign_own_fleet", stop_in_fleet)
    with pytest.raises(StopPlanError):
        plan_day(book, skus, warehouses, boxes, ctx, settings, None, journal)
    assert journal.path.exists()  # every decision and the consolidation are kept
    monkeypatch.setattr(fleet_module, "assign_own_fleet", real_fleet)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("redone")

    monkeypatch.setattr(shipments_module, "decide_shipment", never)
    monkeypatch.setattr(plan_module, "source_by_cost", never)
    monkeypatch.setattr(consolidate_module, "consolidate", never)
    resumed = plan_day(book, skus, warehouses, boxes, ctx, settings, None, journal, resume=True)
    assert resumed == whole
    assert not journal.path.exists()
