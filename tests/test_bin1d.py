"""1D bin packing: every answer is a valid partition; tiny instances match brute force."""

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.packing.bin1d import (
    arc_flow,
    bin_completion,
    first_fit_decreasing,
    lower_bound_l2,
    pack_1d,
)


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
    for found in (bin_completion(sizes, cap, 3, 1e18), arc_flow(sizes, cap, 5.0)):
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
