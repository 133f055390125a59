"""The 3D bin-packing lower bounds: valid (never above a packing found), ordered as in the paper,
and at least the bounds computed independently for the shared MPV instances."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.packing.bins3d import pack_bins
from shipopt.packing.bounds3d import bound_l0, lower_bounds
from shipopt.packing.extreme_points import PItem, rotations
from shipopt.packing.instances import read_mpv
from shipopt.settings import Settings

DATA = Settings().data  # SHIPOPT_DATA


def test_items_large_in_two_dimensions_need_a_bin_each() -> None:
    # four 6x6x6 cubes in a 10-cube: no two share a bin, the volume says 1
    assert lower_bounds((10, 10, 10), [(6, 6, 6)] * 4) == (1, 4, 4)


def test_l2_counts_the_volume_the_big_items_leave() -> None:
    # two 8x6x8 items take the whole 10x10 footprint for 6 of each bin's 10 height (nothing 3
    # wide fits beside them); eighteen 3x5x3 items need 810 of the 800 left: a third bin,
    # where the volume alone says 2
    items = [(8, 6, 8)] * 2 + [(3, 5, 3)] * 18
    l0, l1, l2 = lower_bounds((10, 10, 10), items)
    assert (l0, l1) == (2, 2) and l2 >= 3
    bins = pack_bins(
        [PItem(k, rotations(*it, "fixed"), 0) for k, it in enumerate(items)],
        (10, 10, 10), 10**18, None, 1.0,
    )  # fmt: skip
    assert len(bins) >= l2


def test_l1_counts_items_by_number_too() -> None:
    # MPV class 7, n = 100, no. 2, on its second axis: 18 items large in the other two, heights
    # below; the seven above 20 need a bin each, the eight of 15 to 20 at most two to a bin and
    # only one fits beside the 21: 7 + 4 = 11 (the 1D optimum; the sum-only bound says 10)
    heights = [4, 8, 12, 15, 15, 15, 15, 16, 17, 20, 20, 21, 26, 26, 27, 29, 33, 33]
    items = [(30, h, 30) for h in heights]
    assert lower_bounds((40, 40, 40), items)[1] == 11


boxes = st.lists(st.tuples(*[st.integers(1, 10)] * 3), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(boxes)
def test_no_bound_exceeds_a_packing_found(items: list[tuple[int, int, int]]) -> None:
    l0, l1, l2 = lower_bounds((10, 10, 10), items)
    assert l0 == bound_l0((10, 10, 10), items) and l1 <= l2
    found = pack_bins(
        [PItem(k, rotations(*it, "fixed"), 0) for k, it in enumerate(items)],
        (10, 10, 10), 10**18, None, 0.05,
    )  # fmt: skip
    assert max(l0, l2) <= len(found)


@pytest.mark.skipif(not (DATA / "packing" / "mpv3d").is_dir(), reason="no shared MPV data")
def test_the_bounds_on_the_shared_instances() -> None:
    rows = list(csv.DictReader((DATA / "packing" / "mpv3d" / "lower_bounds.csv").open()))
    for r in rows[::7]:
        inst = read_mpv(DATA / "packing" / "mpv3d" / f"{r['class']}_{r['n']}" / r["instance"])
        l0, l1, l2 = lower_bounds(inst.bin, inst.items)
        # the data's L1 is the sum-only form; ours also counts items (MPV's second term)
        assert l0 == int(r["L0_volume"]) and l1 >= int(r["L1_projection"]), r
        assert l2 >= max(l0, l1)
