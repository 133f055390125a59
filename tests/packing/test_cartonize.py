"""Cartonization: every packing passes the independent checker; tiny cases match brute force."""

from decimal import Decimal
from itertools import product
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shipopt.domain.packing import PackRequest, PackResult, UnpackedReason
from shipopt.domain.parcel import Dimensions
from shipopt.packing.cartonize import OWN_PACKAGING, cartonize
from shipopt.packing.checker import check_pack_result
from shipopt.packing.extreme_points import PItem, rotations
from shipopt.packing.small_exact import exact_single_box
from shipopt.units import Mass
from tests.conftest import TEST_BOXES

BOXES = TEST_BOXES


def pack(
    items: list[dict[str, Any]], boxes: list[dict[str, Any]] | None = None, **options: Any
) -> tuple[PackRequest, PackResult]:
    req = PackRequest.model_validate({"items": items, "boxes": boxes or BOXES, "options": options})
    res = cartonize(req)
    assert check_pack_result(req, res) == []
    return req, res


def test_everything_fits_one_box() -> None:
    _, res = pack(
        [
            {"sku": "A", "dimensions": "10x8x4 in", "weight": "2 lb", "quantity": 3},
            {"sku": "B", "dimensions": "6x6x6 in", "weight": "1 lb"},
        ]
    )
    assert [b.box for b in res.boxes] == ["M"]
    # 3 * 320 + 216 = 1176 in3 of 14 * 12 * 10 = 1680 in3
    assert res.boxes[0].fill_rate == Decimal("0.7000")
    assert res.boxes[0].gross_weight == Mass.parse("7 lb") + Mass.parse("10 oz")


def test_unpackable_units_are_reported_not_dropped() -> None:
    _, res = pack(
        [
            {"sku": "HUGE", "dimensions": "30x30x30 in", "weight": "1 lb", "quantity": 2},
            {"sku": "LEAD", "dimensions": "4x4x4 in", "weight": "70 lb"},
            {"sku": "OK", "dimensions": "4x4x4 in", "weight": "1 lb"},
        ]
    )
    reasons = {(u.sku, u.unit): u.reason for u in res.unpacked}
    assert reasons == {
        ("HUGE", 0): UnpackedReason.TOO_LARGE,
        ("HUGE", 1): UnpackedReason.TOO_LARGE,
        ("LEAD", 0): UnpackedReason.TOO_HEAVY,
    }
    assert [b.box for b in res.boxes] == ["S"]


def test_weight_limit_splits_boxes() -> None:
    # each unit 20 lb: S carries 30 lb less 6 oz tare -> one unit per S, M two, L three
    _, res = pack([{"sku": "W", "dimensions": "5x5x5 in", "weight": "20 lb", "quantity": 3}])
    assert [b.box for b in res.boxes] == ["L"]
    _, res = pack(
        [{"sku": "W", "dimensions": "5x5x5 in", "weight": "20 lb", "quantity": 3}], boxes=BOXES[:2]
    )
    assert sorted(b.box for b in res.boxes) == ["M", "S"]


def test_orientation_rules() -> None:
    # a 12 in tall upright item fits only L (height 12); any-rotation fits M lying down
    upright = {"sku": "U", "dimensions": "6x6x12 in", "weight": "1 lb", "orientation": "upright"}
    _, res = pack([upright])
    assert (
        res.boxes[0].box == "L"
        and res.boxes[0].placements[0].height == Dimensions.parse("1x1x12 in").height
    )
    _, res = pack([{**upright, "orientation": "any"}])
    assert res.boxes[0].box == "S" or res.boxes[0].box == "M"


def test_fragile_and_stack_weight() -> None:
    items = [
        {"sku": "EGG", "dimensions": "10x8x3 in", "weight": "1 lb", "fragile": True},
        {"sku": "CAN", "dimensions": "10x8x3 in", "weight": "5 lb"},
    ]
    _, res = pack(items, boxes=BOXES[:1])
    # S is 10x8x6: two layers would put one on the other; the can goes under the egg
    assert len(res.boxes) == 1
    by_sku = {p.sku: p for p in res.boxes[0].placements}
    assert by_sku["EGG"].z.nm > by_sku["CAN"].z.nm
    light = [
        {"sku": "BOX", "dimensions": "10x8x3 in", "weight": "1 lb", "max_stack_weight": "2 lb"},
        {"sku": "IRON", "dimensions": "10x8x3 in", "weight": "4 lb", "max_stack_weight": "2 lb"},
    ]
    _, res = pack(light, boxes=BOXES[:1])
    by_sku = {p.sku: p for p in res.boxes[0].placements}
    assert by_sku["BOX"].z.nm > by_sku["IRON"].z.nm  # the 4 lb unit may not go on the box


def test_support_no_floating() -> None:
    # a wide flat item cannot rest on a small cube alone when 75% support is required
    items = [
        {"sku": "CUBE", "dimensions": "3x3x3 in", "weight": "1 lb", "orientation": "fixed"},
        {"sku": "PLATE", "dimensions": "10x8x1 in", "weight": "1 lb", "orientation": "fixed"},
    ]
    _, res = pack(items, boxes=[BOXES[0]], support=Decimal("0.75"))
    by_sku = {p.sku: p for p in res.boxes[0].placements}
    assert by_sku["PLATE"].z.nm == 0 or by_sku["CUBE"].z.nm > 0


def test_ships_alone_and_stock() -> None:
    _, res = pack(
        [
            {"sku": "TV", "dimensions": "40x25x6 in", "weight": "30 lb", "ships_alone": True},
            {"sku": "C", "dimensions": "9x7x5 in", "weight": "1 lb", "quantity": 3},
        ],
        boxes=[{**BOXES[0], "stock": 2}],
    )
    assert sum(b.box == OWN_PACKAGING for b in res.boxes) == 1
    assert sum(b.box == "S" for b in res.boxes) == 2
    assert [(u.sku, u.reason) for u in res.unpacked] == [("C", UnpackedReason.OUT_OF_STOCK)]


def test_cost_objective_prefers_two_small_boxes_when_cheaper() -> None:
    items = [{"sku": "A", "dimensions": "10x8x6 in", "weight": "1 lb", "quantity": 2}]

    # a price that grows with dimensional weight (L x W x H / 139, per lb)
    def price(outer: Dimensions, gross: Mass) -> tuple[Decimal]:  # one service
        vol = 1
        for side in (outer.length, outer.width, outer.height):
            vol *= int(side.to("in").to_integral_value(rounding="ROUND_HALF_UP"))
        billable = max(
            -(-vol // 139), int(gross.to("lb").to_integral_value(rounding="ROUND_CEILING"))
        )
        return (Decimal(8) + Decimal(billable) ** 2 / 4,)

    req = PackRequest.model_validate({"items": items, "boxes": BOXES})
    by_boxes = cartonize(req)
    by_cost = cartonize(req, price)
    assert check_pack_result(req, by_cost) == []
    assert [b.box for b in by_boxes.boxes] == ["M"]  # one box
    assert sorted(b.box for b in by_cost.boxes) == [
        "S",
        "S",
    ]  # S: 11x9x7 = 693/139 -> 5 lb: 2 x (0.50 + 8 + 25/4) = 29.50; M: 15x13x11 -> 16 lb: 72.90
    assert by_cost.total_shipping_cost is not None and by_cost.objective == "cost"


@pytest.mark.parametrize(
    "payload, field",
    [
        (
            {"items": [{"sku": "A", "dimensions": "0x1x1 in", "weight": "1 lb"}]},
            "items.0.dimensions.length",
        ),
        ({"items": [{"sku": "A", "dimensions": "1x1x1 in", "weight": "0 lb"}]}, "items.0.weight"),
        (
            {"items": [{"sku": "A", "dimensions": "1x1x1 in", "weight": "1 lb", "quantity": 0}]},
            "items.0.quantity",
        ),
        ({"boxes": []}, "boxes"),
        ({"boxes": [{**BOXES[0], "inner": "11x8x6 in"}]}, "boxes.0"),
        ({"boxes": [BOXES[0], BOXES[0]]}, ""),
    ],
)
def test_bad_input(payload: dict[str, Any], field: str) -> None:
    base: dict[str, Any] = {
        "items": [{"sku": "A", "dimensions": "1x1x1 in", "weight": "1 lb"}],
        "boxes": BOXES,
    }
    with pytest.raises(ValidationError) as info:
        PackRequest.model_validate({**base, **payload})
    locs = [".".join(str(x) for x in e["loc"]) for e in info.value.errors()]
    assert any(loc.startswith(field) for loc in locs), locs


def _brute_force_bins(items: list[tuple[int, int, int]], box: tuple[int, int, int]) -> int:
    """The fewest boxes, by trying every assignment of items to bins with an exact fit test."""
    n = len(items)
    for k in range(1, n + 1):
        for assign in product(range(k), repeat=n):
            if len(set(assign)) != k or assign[0] != 0:
                continue
            ok = True
            for b in range(k):
                members = [
                    PItem(i, rotations(*items[i], "any"), 0) for i in range(n) if assign[i] == b
                ]
                if exact_single_box(members, box, 10**9, None, 5.0) is None:
                    ok = False
                    break
            if ok:
                return k
    return n


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6)), min_size=1, max_size=5
    ),
    st.tuples(st.integers(4, 8), st.integers(4, 8), st.integers(4, 8)),
)
def test_tiny_instances_match_brute_force(
    items: list[tuple[int, int, int]], box: tuple[int, int, int]
) -> None:
    items = [i for i in items if all(a <= b for a, b in zip(sorted(i), sorted(box), strict=True))]
    if not items:
        return
    req = PackRequest.model_validate(
        {
            "items": [
                {"sku": f"I{k}", "dimensions": f"{a}x{b}x{c} in", "weight": "1 lb"}
                for k, (a, b, c) in enumerate(items)
            ],
            "boxes": [
                {
                    "name": "B",
                    "inner": f"{box[0]}x{box[1]}x{box[2]} in",
                    "outer": f"{box[0]}x{box[1]}x{box[2]} in",
                    "max_gross_weight": "100 lb",
                }
            ],
            "options": {"support": None},
        }
    )
    res = cartonize(req)
    assert check_pack_result(req, res) == [] and not res.unpacked
    assert len(res.boxes) == _brute_force_bins(items, box)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 16),
            st.integers(1, 16),
            st.integers(1, 12),
            st.integers(1, 400),
            st.integers(1, 3),
            st.sampled_from(["any", "upright", "fixed"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(0, 3),
)
def test_random_orders_pass_checker_and_are_deterministic(
    lines: list[tuple[int, int, int, int, int, str, bool]], seed: int
) -> None:
    items = [
        {
            "sku": f"S{k}",
            "dimensions": f"{a}x{b}x{c} in",
            "weight": f"{w} oz",
            "quantity": q,
            "orientation": o,
            "fragile": f,
        }
        for k, (a, b, c, w, q, o, f) in enumerate(lines)
    ]
    req = PackRequest.model_validate(
        {
            "items": items,
            "boxes": BOXES,
            "options": {"seed": seed, "max_starts": 6, "time_limit": 30},
        }
    )
    first = cartonize(req)
    assert check_pack_result(req, first) == []
    again = cartonize(req)
    assert first.model_dump(exclude={"seconds"}) == again.model_dump(exclude={"seconds"})


def test_checker_catches_violations() -> None:
    """The checker itself: each rule broken once."""
    from fractions import Fraction

    from shipopt.packing.checker import CheckItem, check_box

    def item(name: str, x: int, y: int, z: int, d: tuple[int, int, int], **kw: Any) -> CheckItem:
        return CheckItem(
            name, x, y, z, *d, size=kw.pop("size", d), weight=kw.pop("weight", 1), **kw
        )

    box = (10, 10, 10)
    assert (
        check_box(
            box, 100, [item("a", 0, 0, 0, (5, 5, 5)), item("b", 5, 0, 0, (5, 5, 5))], Fraction(0)
        )
        == []
    )
    assert "sticks out" in check_box(box, 100, [item("a", 6, 0, 0, (5, 5, 5))], None)[0]
    assert (
        "overlaps"
        in check_box(
            box, 100, [item("a", 0, 0, 0, (5, 5, 5)), item("b", 4, 0, 0, (5, 5, 5))], None
        )[0]
    )
    assert "not supported" in check_box(box, 100, [item("a", 0, 0, 2, (5, 5, 5))], Fraction(0))[0]
    assert (
        "not allowed"
        in check_box(
            box, 100, [item("a", 0, 0, 0, (5, 5, 2), size=(5, 2, 5), orientation="upright")], None
        )[0]
    )
    assert "payload" in check_box(box, 1, [item("a", 0, 0, 0, (5, 5, 5), weight=2)], None)[0]
    stacked = [item("a", 0, 0, 0, (5, 5, 5), fragile=True), item("b", 0, 0, 5, (5, 5, 5))]
    assert "above fragile" in check_box(box, 100, stacked, Fraction(0))[0]
    # c (2) rests on b (2), which rests on a: a carries 4, over its limit of 3
    heavy = [
        item("a", 0, 0, 0, (5, 5, 5), max_stack=3),
        item("b", 0, 0, 5, (5, 5, 5), weight=2),
        item("c", 0, 0, 10, (5, 5, 5), weight=2),
    ]
    assert check_box((10, 10, 15), 100, heavy[:2], Fraction(0)) == []
    assert check_box((10, 10, 15), 100, heavy, Fraction(0)) == ["a carries 4, over its limit 3"]


def test_pack_bins_identical_bins_checked() -> None:
    from shipopt.packing.bins3d import pack_bins
    from shipopt.packing.checker import CheckItem, check_box

    rng = __import__("random").Random(3)
    dims = [(rng.randint(2, 10), rng.randint(2, 10), rng.randint(2, 10)) for _ in range(40)]
    items = [PItem(k, rotations(*d, "fixed"), 1) for k, d in enumerate(dims)]
    bins = pack_bins(items, (10, 10, 10), 10**9, None, 0.3)
    assert sorted(p.item.key for b in bins for p in b.placed) == list(range(40))
    volume_bound = -(-sum(a * b * c for a, b, c in dims) // 1000)
    assert len(bins) >= volume_bound
    for b in bins:
        placed = [
            CheckItem(
                str(p.item.key),
                p.x,
                p.y,
                p.z,
                p.dx,
                p.dy,
                p.dz,
                size=dims[p.item.key],
                weight=1,
                orientation="fixed",
            )
            for p in b.placed
        ]
        assert check_box((10, 10, 10), 10**9, placed, None) == []


@pytest.mark.parametrize("seed", range(4))
def test_pack_bins_pairs_reach_the_1d_optimum(seed: int) -> None:
    # every footprint is over half the bin's both ways, so items only stack, and every height is
    # over a third of the bin's: a bin holds one or two items and the optimum is the 1D one
    from shipopt.packing.bin1d import pack_1d
    from shipopt.packing.bins3d import _matched_pairs, pack_bins

    rng = __import__("random").Random(seed)
    dims = [(rng.randint(51, 100), rng.randint(51, 100), rng.randint(34, 70)) for _ in range(30)]
    rng.shuffle(dims)
    items = [PItem(k, rotations(*d, "fixed"), 1) for k, d in enumerate(dims)]
    optimum = pack_1d([d[2] for d in dims], 100, time_limit=5.0)
    assert optimum.optimal
    for bins in (
        _matched_pairs(items, (100, 100, 100), 10**9, None),
        pack_bins(items, (100, 100, 100), 10**9, None, 0.0),
    ):
        assert bins is not None
        assert sorted(p.item.key for b in bins for p in b.placed) == list(range(30))
        assert all(sum(p.dz for p in b.placed) <= 100 for b in bins)
        assert len(bins) == len(optimum.bins)


BOXPACKER_LIKE = [  # inner sizes as in BoxPacker's test catalog (millimetres, grams)
    {
        "name": "tall",
        "inner": "305x229x520 mm",
        "outer": "305x229x520 mm",
        "tare_weight": "100 g",
        "max_gross_weight": "10000 g",
    },
    {
        "name": "cube",
        "inner": "300x230x240 mm",
        "outer": "300x230x240 mm",
        "tare_weight": "160 g",
        "max_gross_weight": "15000 g",
    },
]


@pytest.mark.parametrize("support", [None, 0.75])
def test_identical_units_fill_a_box_in_blocks(support: float | None) -> None:
    # 148 x 210 x 32 mm: two side by side on the 230 x 300 floor, seven layers: 14 per cube box
    item = {"sku": "A5", "dimensions": "148x210x32 mm", "weight": "880 g", "quantity": 28}
    _, res = pack([item], boxes=BOXPACKER_LIKE[1:], support=support)
    assert [len(b.placements) for b in res.boxes] == [14, 14]


def test_blocks_started_from_other_first_blocks_fill_one_box() -> None:
    # 12 bars stand three across, four high (210 x 285 x 320) and leave the top 200 mm for the
    # six cartons; the largest first block (two across, six high) would strand two cartons
    items = [
        {"sku": "bar", "dimensions": "80x285x70 mm", "weight": "199 g", "quantity": 12},
        {"sku": "carton", "dimensions": "106x145x95 mm", "weight": "271 g", "quantity": 6},
        {"sku": "cube", "dimensions": "56x56x36 mm", "weight": "60 g", "quantity": 3},
    ]
    _, res = pack(items, boxes=BOXPACKER_LIKE[:1], support=None)
    assert len(res.boxes) == 1


def test_balanced_resplit_finds_one_box_fewer() -> None:
    # 75 flat units at 96% of two boxes' weight and 94% of their volume: filling one box after
    # the other takes three; splitting the units afresh, balanced by weight and volume, two
    # (a single start, so the shuffled merges of pairs of boxes do not get there first)
    lines = [
        ("A4-4", "210x298x4 mm", 208, 15),
        ("A4-10", "210x297x10 mm", 640, 22),
        ("A4-8", "210x297x8 mm", 300, 12),
        ("A5-8", "148x210x8 mm", 226, 5),
        ("A5-10", "148x210x10 mm", 322, 20),
        ("card", "210x210x2 mm", 61, 1),
    ]
    items = [
        {"sku": sku, "dimensions": dims, "weight": f"{grams} g", "quantity": q}
        for sku, dims, grams, q in lines
    ]
    _, res = pack(items, boxes=BOXPACKER_LIKE[1:], support=None, max_starts=1, time_limit=60)
    assert len(res.boxes) == 2


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 50), st.integers(1, 50)), min_size=1, max_size=30),
    st.integers(1, 4),
    st.integers(0, 9),
)
def test_balanced_split_keeps_every_unit_within_limits(
    units: list[tuple[int, int]], k: int, seed: int
) -> None:
    import random

    from shipopt.packing.improvement import balanced_split as _balanced_split

    items = [PItem(n, ((v, 1, 1),), w) for n, (w, v) in enumerate(units)]
    groups = _balanced_split(items, k, 60, 60, random.Random(seed))
    if groups is None:
        return
    assert len(groups) == k
    assert sorted(i.key for g in groups for i in g) == list(range(len(units)))
    assert all(sum(i.weight for i in g) <= 60 and sum(i.volume for i in g) <= 60 for g in groups)


def test_a_unit_whose_boxes_are_out_of_stock_is_out_of_stock() -> None:
    boxes = [dict(b) for b in BOXES]
    boxes[2]["stock"] = 0  # L: the only box that takes an 18 in unit
    _, res = pack(
        [
            {"sku": "LONG", "dimensions": "18x6x6 in", "weight": "2 lb"},
            {"sku": "HUGE", "dimensions": "30x30x30 in", "weight": "1 lb"},
        ],
        boxes,
    )
    reasons = {u.sku: u.reason for u in res.unpacked}
    assert reasons == {"LONG": UnpackedReason.OUT_OF_STOCK, "HUGE": UnpackedReason.TOO_LARGE}
    assert "out of stock" in next(u.message for u in res.unpacked if u.sku == "LONG")


def test_a_packing_is_priced_with_every_box_on_one_service() -> None:
    """Two services: X is cheap for S boxes, Y for M boxes. One S and one M would cost 5 + 12
    box by box, but one service ships both: min(5 + 30, 20 + 12) = 32, dearer than a lone L box
    at 25 on either. The packer must see 32, not 17."""
    from shipopt.packing.catalog import one_service_total

    table = {"S": (Decimal(5), Decimal(20)), "M": (Decimal(30), Decimal(12))}
    assert one_service_total([table["S"], table["M"]]) == (Decimal(32), 1)
    items = [
        {"sku": "A", "dimensions": "9x7x5 in", "weight": "1 lb"},
        {"sku": "B", "dimensions": "13x11x9 in", "weight": "1 lb"},
    ]
    inner = {b["name"]: b for b in BOXES}

    def price(outer: Dimensions, gross: Mass) -> tuple[Decimal, Decimal]:
        name = next(n for n, b in inner.items() if Dimensions.parse(b["outer"]) == outer)
        return table.get(name, (Decimal(25), Decimal(25)))

    req = PackRequest.model_validate({"items": items, "boxes": BOXES})
    packed = cartonize(req, price)
    assert check_pack_result(req, packed) == []
    assert [b.box for b in packed.boxes] == ["L"]
    assert packed.total_shipping_cost == Decimal(25)


def test_fragile_units_get_the_smallest_box_that_holds_them() -> None:
    boxes = [
        {"name": "BIG", "inner": "16x12x12 in", "outer": "16.5x12.5x12.5 in",
         "max_gross_weight": "40 lb", "cost": "1.00"},
        {"name": "SNUG", "inner": "13x10x8 in", "outer": "13.5x10.5x8.5 in",
         "max_gross_weight": "40 lb", "cost": "0.80"},
    ]  # fmt: skip
    item = {"sku": "VASE", "dimensions": "8x8x4 in", "weight": "1 lb", "fragile": True}
    _, res = pack([{**item, "quantity": 3}], boxes)
    assert [b.box for b in res.boxes] == ["SNUG"]  # three on edge, side by side, none on top
