"""1D bin packing: every answer is a valid partition; tiny instances match brute force."""

import random
import sys
import time
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.packing.bin1d import (
    arc_flow,
    first_fit_decreasing,
    full_bin_patterns,
    lower_bound_l2,
    lp_rounding,
    pack_1d,
)
from shipopt.packing.bin1d_search import fewer_bins


def valid(bins: list[list[int]], sizes: list[int], capacity: int) -> bool:
    flat = sorted(i for b in bins for i in b)
    return flat == list(range(len(sizes))) and all(
        sum(sizes[i] for i in b) <= capacity for b in bins
    )


def brute_force(sizes: list[int], capacity: int) -> int:
    n = len(sizes)
    for k in range(1, n + 1):
        for assign in product(range(k), repeat=n):
            loads = [0] * k
            for i, b in enumerate(assign):
                loads[b] += sizes[i]
            if max(loads) <= capacity:
                return k
    return n


def test_known_cases() -> None:
    # FFD: 6 | 5 -> (6) (5); 5 -> (5, 5); 4 -> (6, 4): two bins
    sizes, cap = [6, 5, 5, 4], 10
    assert len(first_fit_decreasing(sizes, cap)) == 2
    sizes, cap = (
        [4, 4, 3, 3, 3, 3],
        10,
    )  # FFD: (4,4) (3,3,3) (3) = 3 bins; optimum (4,3,3) (4,3,3) = 2
    assert len(first_fit_decreasing(sizes, cap)) == 3
    result = pack_1d(sizes, cap)
    assert len(result.bins) == 2 and result.optimal and valid(result.bins, sizes, cap)
    assert lower_bound_l2(sizes, cap) == 2


def test_methods_agree_on_a_zero_slack_instance() -> None:
    sizes, cap = [500, 300, 200, 450, 350, 200, 400, 400, 200], 1000
    for found in (full_bin_patterns(sizes, cap, 5.0), arc_flow(sizes, cap, 5.0)):
        assert found is not None
        bins = found if isinstance(found, list) else found[0]
        assert len(bins) == 3 and valid(bins, sizes, cap)


def test_bad_sizes() -> None:
    with pytest.raises(ValueError, match="at most the capacity"):
        pack_1d([5, 11], 10)
    with pytest.raises(ValueError, match="positive"):
        pack_1d([0], 10)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 20), min_size=1, max_size=8), st.integers(20, 30))
def test_tiny_instances_are_optimal(sizes: list[int], capacity: int) -> None:
    result = pack_1d(sizes, capacity, time_limit=5.0)
    assert valid(result.bins, sizes, capacity)
    assert len(result.bins) == brute_force(sizes, capacity)
    assert result.lower_bound <= len(result.bins)


def perfect_instance(n_bins: int, capacity: int, seed: int) -> list[int]:
    """Sizes that fill ``n_bins`` bins exactly (each bin cut at random points), shuffled."""
    rng = random.Random(seed)
    sizes: list[int] = []
    for _ in range(n_bins):
        cuts = sorted(rng.sample(range(1, capacity), rng.randint(1, 3)))
        sizes += [b - a for a, b in zip([0, *cuts], [*cuts, capacity], strict=True)]
    rng.shuffle(sizes)
    return sizes


@pytest.mark.parametrize("seed", range(3))
def test_local_search_finds_perfect_packings(seed: int) -> None:
    capacity = 100
    sizes = perfect_instance(25, capacity, seed)
    start = first_fit_decreasing(sizes, capacity)
    found = fewer_bins(sizes, capacity, start, 25, time.perf_counter() + 20.0, seed)
    assert valid(found, sizes, capacity)
    assert len(found) == 25  # every bin full: the optimum


def test_full_bin_patterns_and_lp_rounding_are_valid() -> None:
    rng = random.Random(7)
    sizes = []
    for _ in range(30):  # triplets filling a bin exactly, as in Falkenauer's T instances
        a = rng.randint(380, 490)
        b = rng.randint(250, (1000 - a) // 2)
        sizes += [a, b, 1000 - a - b]
    rng.shuffle(sizes)
    found = full_bin_patterns(sizes, 1000, 10.0)
    assert found is not None and len(found) == 30 and valid(found, sizes, 1000)
    rounded = lp_rounding(sizes, 1000, 10.0)
    assert rounded is not None and valid(rounded, sizes, 1000)
    assert full_bin_patterns([600, 500, 400], 750, 1.0) is None  # sizes are not whole bins


def test_same_seed_same_packing() -> None:
    rng = random.Random(11)
    sizes = [rng.randint(20, 100) for _ in range(120)]
    first = pack_1d(sizes, 150, time_limit=5.0, seed=3)
    again = pack_1d(sizes, 150, time_limit=5.0, seed=3)
    assert valid(first.bins, sizes, 150) and first.bins == again.bins


def test_large_capacities_stay_within_the_time_limit() -> None:
    # grams against a 20 t capacity: no bitset or arc-flow graph of the capacity's size
    rng = random.Random(5)
    for n, low, high in ((60, 5_000_000, 12_000_000), (400, 1, 20_000_000)):
        sizes = [rng.randint(low, high) for _ in range(n)]
        started = time.perf_counter()
        result = pack_1d(sizes, 20_000_000, time_limit=1.0)
        # the limit plus what one step past the clock check may take (more under a tracer:
        # coverage in CI); the same slack as tests/packing/test_packing_limits.py
        assert time.perf_counter() - started < 1.1 + (0.4 if sys.gettrace() is None else 1.5)
        assert valid(result.bins, sizes, 20_000_000)
        assert len(result.bins) >= result.lower_bound


def test_common_unit_is_divided_out() -> None:
    sizes = [400, 300, 300, 200, 450, 350, 500, 300, 200]
    scaled = pack_1d([s * 1000 for s in sizes], 1_000_000)
    plain = pack_1d(sizes, 1000)
    assert len(scaled.bins) == len(plain.bins) == 3 and valid(scaled.bins, sizes, 1000)
