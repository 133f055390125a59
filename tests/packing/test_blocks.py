"""Block loading (simple and general blocks): every loading passes the independent checker with
full (100%) base support."""

import random
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.packing.blocks import BoxKind, PlacedBlock, load
from shipopt.packing.checker import CheckItem, check_box
from shipopt.packing.extreme_points import rotations
from shipopt.packing.general_blocks import best_loading


def expand(blocks: list[PlacedBlock], kinds: list[BoxKind]) -> list[CheckItem]:
    size = [k.rots[0] for k in kinds]
    return [
        CheckItem(f"k{b.kind}", *cell, size=size[b.kind], weight=1)
        for b in blocks
        for cell in b.cells()
    ]


def box_types(
    least: int, most: int, count: int, types: int
) -> st.SearchStrategy[list[tuple[int, ...]]]:
    """Lists of box types: three sides from ``least`` to ``most``, a count, an orientation rule."""
    sides = st.integers(least, most)
    rule = st.sampled_from(["any", "upright", "fixed"])
    return st.lists(
        st.tuples(sides, sides, sides, st.integers(1, count), rule), min_size=1, max_size=types
    )


def test_identical_boxes_fill_exactly() -> None:
    kinds = [BoxKind(rotations(2, 3, 4, "any"), 100)]
    volume, blocks = best_loading((6, 6, 8), kinds, 0.2)
    assert volume == 6 * 6 * 8  # 12 boxes of 24 fill the container
    assert check_box((6, 6, 8), 10**9, expand(blocks, kinds), Fraction(1)) == []


@settings(max_examples=40, deadline=None)
@given(
    box_types(1, 9, 30, 4),
    st.tuples(st.integers(5, 30), st.integers(5, 30), st.integers(5, 30)),
    st.integers(0, 5),
)
def test_loadings_are_valid_and_fully_supported(
    types: list, container: tuple[int, int, int], seed: int
) -> None:  # type: ignore[type-arg]
    kinds = [BoxKind(rotations(a, b, c, o), n) for a, b, c, n, o in types]
    greedy = load(container, kinds, random.Random(seed), 1)
    for volume, blocks in (load(container, kinds, random.Random(seed), 3), greedy):
        items = expand(blocks, kinds)
        assert check_box(container, 10**9, items, Fraction(1)) == []
        assert volume == sum(i.dx * i.dy * i.dz for i in items)
        used = [sum(b.boxes for b in blocks if b.kind == k) for k in range(len(kinds))]
        assert all(u <= kind.count for u, kind in zip(used, kinds, strict=True))
