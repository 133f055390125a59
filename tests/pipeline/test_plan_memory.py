"""What a plan process keeps in memory (issue 17: the 100,000-order day within 2 GB): what the
CLI imports (plan workers are spawned from it), the ZIP directory, the workers' basket cache,
and the one-box fill memo."""

import subprocess
import sys
from datetime import date

from pydantic import TypeAdapter

from shipopt.batch.inputs import read_skus_csv, read_warehouses_json
from shipopt.domain.batch import OrderLine
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import PlanSettings
from shipopt.geo import ZipDirectory
from shipopt.packing.extreme_points import PItem, rotations
from shipopt.packing.fill_memo import FillMemo
from shipopt.pipeline.baskets import BasketPacking, basket_key
from shipopt.pipeline.shipments import ShipmentWorker
from tests.conftest import ROOT, SAMPLE_TABLES

BATCH = ROOT / "examples" / "batch"


def test_the_cli_does_not_import_cp_sat_or_pandas() -> None:
    # CP-SAT brings pandas (about 90 MB) into every process that imports it
    code = (
        "import sys, shipopt.cli.main; "
        "print(sorted(m for m in ('ortools.sat.python.cp_model', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_zip_directory_does_not_keep_the_zipcodes_rows() -> None:
    import zipcodes

    directory = ZipDirectory()
    assert getattr(zipcodes, "_zips_cache", None) is None
    assert directory.resolve("10001").state == "NY"  # its own records answer


def test_a_worker_keeps_its_packings_without_layouts() -> None:
    skus = read_skus_csv(BATCH / "skus.csv")
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    warehouses = read_warehouses_json(BATCH / "warehouses.json")
    settings = PlanSettings(day=date(2026, 12, 1), pack_starts=2)
    worker = ShipmentWorker(SAMPLE_TABLES, skus, boxes, warehouses, settings)
    basket = tuple(OrderLine(sku=s, quantity=2) for s in sorted(skus)[:2])
    (packed,) = worker.pack([basket])
    assert isinstance(packed, BasketPacking) and packed.layout  # the asker gets the layout
    kept = worker.cache.packings[basket_key(basket)]
    assert isinstance(kept, BasketPacking)
    assert kept.layout == () and kept.parcels == packed.parcels and kept.boxes == packed.boxes


def _unit(key: int, side: int) -> PItem:
    return PItem(key, rotations(side, side, side, "any"), 1000)


def test_the_fill_memo_drops_the_least_recently_used() -> None:
    memo = FillMemo(entries=2)
    small, middle, large = [_unit(0, 2)], [_unit(0, 3)], [_unit(0, 4)]

    def fill(items: list[PItem]) -> None:
        memo.fill(items, (10, 10, 10), 10**9, None, "dbl")

    fill(small)
    fill(middle)
    fill(small)  # small is now the most recently used
    fill(large)  # drops middle
    assert (memo.hits, memo.misses) == (1, 3)
    fill(small)
    assert (memo.hits, memo.misses) == (2, 3)
    fill(middle)  # was dropped
    assert (memo.hits, memo.misses) == (2, 4)


def test_a_remembered_fill_is_the_fill() -> None:
    memo = FillMemo()
    items = [_unit(k, 3 + k % 3) for k in range(12)]
    fresh, fresh_left = memo.fill(items, (8, 8, 8), 10**9, None, "dbl")
    again = [_unit(k, 3 + k % 3) for k in range(12)]  # same kinds, other objects
    cooked, cooked_left = memo.fill(again, (8, 8, 8), 10**9, None, "dbl")
    assert memo.hits == 1
    assert fresh is not None and cooked is not None
    assert [(p.x, p.y, p.z, p.item.key) for p in fresh.placed] == [
        (p.x, p.y, p.z, p.item.key) for p in cooked.placed
    ]
    assert [i.key for i in fresh_left] == [i.key for i in cooked_left]
