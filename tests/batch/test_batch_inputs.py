"""Batch inputs: a bad row is reported with its row and reason, its order set aside whole, and
every order id appears exactly once (kept or rejected)."""

import json
from pathlib import Path

import pytest

from shipopt.batch.inputs import (
    read_orders_csv,
    read_orders_json,
    read_skus_csv,
    read_warehouses_json,
)
from shipopt.batch.sample import sample_day, write_sample
from shipopt.errors import InputError
from shipopt.geo import ZipDirectory


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory, directory: ZipDirectory) -> Path:
    folder = tmp_path_factory.mktemp("day")
    write_sample(sample_day(directory, 500, seed=3), folder)
    return folder


def test_sample_day_is_realistic_and_deterministic(
    sample_dir: Path, directory: ZipDirectory
) -> None:
    again = sample_day(directory, 500, seed=3)
    assert again == sample_day(directory, 500, seed=3)
    assert again != sample_day(directory, 500, seed=4)
    skus = read_skus_csv(sample_dir / "skus.csv")
    book = read_orders_csv(sample_dir / "orders.csv", skus)
    assert len(book.orders) == 500 and not book.rejected and not book.problems
    single = sum(len(o.lines) == 1 and o.lines[0].quantity == 1 for o in book.orders) / 500
    assert 0.5 < single < 0.7
    warehouses = read_warehouses_json(sample_dir / "warehouses.json")
    assert [w.id for w in warehouses] == ["NJ1", "TX1", "CA1"]
    assert all(set(w.inventory) <= set(skus) for w in warehouses)


def test_bad_rows_are_reported_and_nothing_is_lost(
    sample_dir: Path, tmp_path: Path, directory: ZipDirectory
) -> None:
    skus = read_skus_csv(sample_dir / "skus.csv")
    text = (sample_dir / "orders.csv").read_text().splitlines()
    good_ids = {line.split(",")[0] for line in text[1:]}
    some_sku = next(iter(skus))
    bad = [
        "BAD-1,NO-SUCH-SKU,1,10001,true,,",  # unknown SKU
        f"BAD-2,{some_sku},-2,10001,true,,",  # negative quantity
        f"BAD-3,{some_sku},1,1000,true,,",  # malformed ZIP
        f"BAD-4,{some_sku},1",  # malformed line
        f"BAD-5,{some_sku},1,10001,true,not-a-date,",  # bad date
    ]
    # a good order that also has one bad line is set aside whole
    victim = text[1].split(",")[0]
    bad.append(f"{victim},{some_sku},zero,10001,true,,")
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(text + bad) + "\n")
    book = read_orders_csv(path, skus, directory)
    kept = {o.id for o in book.orders}
    assert set(book.rejected) == {"BAD-1", "BAD-2", "BAD-3", "BAD-4", "BAD-5", victim}
    assert kept | set(book.rejected) == good_ids | {f"BAD-{k}" for k in range(1, 6)}
    assert not kept & set(book.rejected)
    first_bad_row = len(text) + 1
    messages = {oid: str(p[0]) for oid, p in book.rejected.items()}
    assert (
        f"row {first_bad_row}, column 'sku'" in messages["BAD-1"]
        and "unknown SKU" in messages["BAD-1"]
    )
    assert "column 'quantity'" in messages["BAD-2"]
    assert (
        "postal_code" in messages["BAD-3"]
        or "ZIP" in messages["BAD-3"]
        or "destination" in messages["BAD-3"]
    )
    assert "wrong number of fields" in messages["BAD-4"]
    assert "deliver_by" in messages["BAD-5"]


def test_json_orders_and_bad_catalog(tmp_path: Path) -> None:
    orders = [
        {
            "id": "A",
            "lines": [{"sku": "X", "quantity": 1}],
            "destination": {"postal_code": "10001"},
        },
        {"id": "B", "lines": [], "destination": {"postal_code": "10001"}},
        {
            "id": "C",
            "lines": [{"sku": "Y", "quantity": 1}],
            "destination": {"postal_code": "10001"},
        },
    ]
    (tmp_path / "o.json").write_text(json.dumps(orders))
    (tmp_path / "skus.csv").write_text(
        "sku,length,width,height,dims_unit,weight,weight_unit\nX,5,4,3,in,1,lb\n"
    )
    skus = read_skus_csv(tmp_path / "skus.csv")
    book = read_orders_json(tmp_path / "o.json", skus)
    assert [o.id for o in book.orders] == ["A"] and set(book.rejected) == {"B", "C"}
    assert "[1].lines" in str(book.rejected["B"][0]) and "unknown SKU" in str(book.rejected["C"][0])
    (tmp_path / "bad.csv").write_text(
        "sku,length,width,height,dims_unit,weight,weight_unit\nX,0,4,3,in,1,lb\nX,1,1,1,in,1,stone\n"
    )
    with pytest.raises(InputError) as info:
        read_skus_csv(tmp_path / "bad.csv")
    text = str(info.value)
    assert (
        "row 2" in text
        and "must be greater than zero" in text
        and "row 3" in text
        and "stone" in text
    )
