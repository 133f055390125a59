"""General blocks: pairs fill their cuboid, packing areas are fully covered, loadings pass the
independent checker with full base support, within the time limit."""

import time
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.packing.blocks import BoxKind, PlacedBlock
from shipopt.packing.br_generator import br_loading, seed_of
from shipopt.packing.checker import check_box
from shipopt.packing.extreme_points import rotations
from shipopt.packing.general_blocks import MIN_FILL, best_loading, make_blocks
from tests.packing.test_blocks import box_types, expand


def cells(blocks: list[PlacedBlock]) -> list[tuple[int, int, int, int, int, int]]:
    """Every box as x, y, z, dx, dy, dz."""
    return [cell for b in blocks for cell in b.cells()]


def kinds_of(types: list[tuple[int, int, int, int, str]]) -> list[BoxKind]:
    return [BoxKind(rotations(a, b, c, o), n) for a, b, c, n, o in types]


sizes = box_types(2, 9, 12, 6)


@settings(max_examples=30, deadline=None)
@given(sizes, st.tuples(st.integers(8, 30), st.integers(8, 30), st.integers(8, 30)))
def test_every_block_fills_its_cuboid_and_covers_its_area(
    types: list[tuple[int, int, int, int, str]], container: tuple[int, int, int]
) -> None:
    kinds = kinds_of(types)
    made = make_blocks(container, kinds, time.perf_counter() + 30, max_blocks=400)
    for b in range(len(made.dims)):
        dx, dy, dz = made.dims[b]
        boxes = cells(made.expand(b, 0, 0, 0))
        # inside the cuboid, no two boxes overlap, counts and volume as recorded
        inside = expand(made.expand(b, 0, 0, 0), kinds)
        assert check_box(made.dims[b], 10**9, inside, Fraction(1)) == []
        volume = sum(c[3] * c[4] * c[5] for c in boxes)
        assert volume == made.volumes[b] >= MIN_FILL * dx * dy * dz
        used: dict[int, int] = {}
        for p in made.expand(b, 0, 0, 0):
            used[p.kind] = used.get(p.kind, 0) + p.boxes
        assert tuple(sorted(used.items())) == made.counts[b]
        assert all(n <= kinds[k].count for k, n in used.items())
        # the packing area: every point of it is the top of some box at the block's top
        ox, oy, ax, ay = made.areas[b]
        tops = [c for c in boxes if c[2] + c[5] == dz]
        covered = sum(
            max(0, min(ox + ax, c[0] + c[3]) - max(ox, c[0]))
            * max(0, min(oy + ay, c[1] + c[4]) - max(oy, c[1]))
            for c in tops
        )
        assert covered == ax * ay > 0


@settings(max_examples=25, deadline=None)
@given(sizes, st.tuples(st.integers(8, 30), st.integers(8, 30), st.integers(8, 30)))
def test_loadings_are_valid_and_fully_supported(
    types: list[tuple[int, int, int, int, str]], container: tuple[int, int, int]
) -> None:
    kinds = kinds_of(types)
    volume, blocks = best_loading(container, kinds, 0.05)
    items = expand(blocks, kinds)
    assert check_box(container, 10**9, items, Fraction(1)) == []
    assert volume == sum(i.dx * i.dy * i.dz for i in items)
    used = [sum(b.boxes for b in blocks if b.kind == k) for k in range(len(kinds))]
    assert all(u <= kind.count for u, kind in zip(used, kinds, strict=True))


def test_strongly_heterogeneous_load_within_the_time_limit() -> None:
    loading = br_loading(100, seed_of(1))
    kinds = [BoxKind(k.rotations(), k.quantity) for k in loading.kinds]
    started = time.perf_counter()
    volume, blocks = best_loading(loading.container, kinds, 1.0)
    assert time.perf_counter() - started < 1.5
    L, W, H = loading.container
    assert volume / (L * W * H) > 0.8  # py3dbp loads 77% of this one, without support
    assert check_box(loading.container, 10**9, expand(blocks, kinds), Fraction(1)) == []


def test_nothing_fits_answers_at_once() -> None:
    started = time.perf_counter()
    assert best_loading((5, 5, 5), kinds_of([(6, 2, 2, 3, "fixed")]), 2.0) == (0, [])
    assert time.perf_counter() - started < 0.5
