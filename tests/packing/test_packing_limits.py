"""The packing time limit is a cap on wall time (issue 11, items 21 and 42): lazy start plans,
the clock checked inside the loops, a rushed construction once time is up, and a cap on the
number of units a request may hold."""

import random
import sys
import time

import pytest
from pydantic import ValidationError

from shipopt.domain.packing import MAX_PACK_UNITS, PackRequest
from shipopt.packing.cartonize import cartonize
from shipopt.packing.checker import check_pack_result
from shipopt.packing.pallets import PalletRequest, palletize
from tests.conftest import TEST_BOXES

# generous for a busy 2-core CI machine (and more under coverage's tracer, which slows the
# Python the deadline reserves are sized for); the benchmark measures the 10% + 50 ms bound
# (2026-12-02, a machine running at half speed: palletizing 2,000 cartons took 3.1 s on 1 s
# under coverage; untraced the bound holds within 0.3 s)
SLACK = 0.3 if sys.gettrace() is None else 2.5


def heavy(units: int, skus: int, limit: float, starts: int, seed: int = 0) -> PackRequest:
    rng = random.Random(seed)
    items = []
    for k in range(skus):
        d = [rng.randint(1, 9) for _ in range(3)]
        items.append(
            {
                "sku": f"S{k}",
                "dimensions": f"{d[0]}x{d[1]}x{d[2]} in",
                "weight": f"{rng.randint(1, 40) / 10} lb",
                "quantity": units // skus,
                "fragile": k % 7 == 0,
            }
        )
    boxes = [dict(b) for b in TEST_BOXES] + [
        {
            "name": f"B{i}",
            "inner": f"{8 + 2 * i}x{6 + i}x{4 + i} in",
            "outer": f"{9 + 2 * i}x{7 + i}x{5 + i} in",
            "max_gross_weight": "60 lb",
            "cost": "1.00",
        }
        for i in range(8)
    ]
    options = {"time_limit": limit, "max_starts": starts}
    return PackRequest.model_validate({"items": items, "boxes": boxes, "options": options})


@pytest.mark.parametrize(
    ("units", "skus", "limit", "starts"),
    [(500, 30, 0.5, 8000), (500, 5, 0.3, 48), (2000, 20, 0.5, 100_000)],
)
def test_the_time_limit_caps_wall_time(units: int, skus: int, limit: float, starts: int) -> None:
    request = heavy(units, skus, limit, starts)
    start = time.perf_counter()
    result = cartonize(request)
    elapsed = time.perf_counter() - start
    assert elapsed <= limit * 1.1 + SLACK, elapsed
    assert check_pack_result(request, result) == []
    assert not result.unpacked  # out of time, still every unit packed


def test_units_over_the_cap_are_refused() -> None:
    item = {"sku": "A", "dimensions": "2x2x2 in", "weight": "1 lb", "quantity": 10_000}
    with pytest.raises(ValidationError, match=f"over the limit of {MAX_PACK_UNITS}"):
        PackRequest.model_validate(
            {"items": [item, {**item, "sku": "B", "quantity": 1}], "boxes": TEST_BOXES}
        )
    carton = {"id": "A", "dimensions": "10x10x10 in", "weight": "1 lb", "quantity": 10_000}
    with pytest.raises(ValidationError, match="10001 cartons in all"):
        PalletRequest.model_validate({"cartons": [carton, {**carton, "id": "B", "quantity": 1}]})


def test_palletizing_many_cartons_keeps_its_limit() -> None:
    rng = random.Random(1)
    cartons = [
        {
            "id": f"C{k}",
            "dimensions": f"{rng.randint(8, 24)}x{rng.randint(8, 20)}x{rng.randint(6, 16)} in",
            "weight": f"{rng.randint(5, 40)} lb",
            "quantity": 50,
        }
        for k in range(40)
    ]
    request = PalletRequest.model_validate({"cartons": cartons, "time_limit": 1})
    start = time.perf_counter()
    result = palletize(request)
    assert time.perf_counter() - start <= 1.1 + SLACK
    assert sum(len(p.load.placements) for p in result.pallets) + len(result.unplaced) == 2000
