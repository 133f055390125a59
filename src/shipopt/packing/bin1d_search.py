"""Local search for one bin fewer in 1D bin packing.

After consistent neighbourhood search (Buljubasic and Vasquez, 2016): from a packing with m
bins, empty three bins into a pool of unplaced items, keep every other bin within capacity, and
search until the pool fits in two bins (m - 1 in all).

Each step makes the best non-tabu swap of up to two items of a bin for one or two items of the
pool, judged by the pool's weight (less is better) and then its item count (more, smaller items
are easier to place); worsening swaps are allowed, and items that just entered a bin may not
leave it for a few steps. The pool's pairs are sorted, so each bin subset's best partner is a
binary search, for all bins at once with numpy.
"""

from __future__ import annotations

import random
import time
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

_TABU_MIN, _TABU_MAX = 3, 12
_REMOVED = 3
_EXACT_FILL_CAPACITY = 1 << 20  # bitset subset sums up to this capacity


def best_fill(sizes: list[int], room: int) -> list[int]:
    """Positions in ``sizes`` of a subset with the largest total at most ``room`` (subset-sum by
    bitsets: bit t of ``masks[k]`` says the first k sizes can make t)."""
    limit = (1 << (room + 1)) - 1
    masks = [1]
    for s in sizes:
        masks.append((masks[-1] | (masks[-1] << s)) & limit)
    target = masks[-1].bit_length() - 1
    chosen = []
    for k in range(len(sizes), 0, -1):
        if not (masks[k - 1] >> target) & 1:
            chosen.append(k - 1)
            target -= sizes[k - 1]
    return chosen


class _State:
    """Bins (each within capacity) and the pool of unplaced items."""

    def __init__(self, sizes: list[int], capacity: int, bins: list[list[int]], pool: list[int]):
        self.sizes = sizes
        self.capacity = capacity
        self.bins = [list(b) for b in bins]
        self.pool = list(pool)
        self.load = np.array([sum(sizes[i] for i in b) for b in self.bins], dtype=np.int64)
        self.bin_of: dict[int, int] = {}
        self.width = 0
        self._rebuild_table()

    # every bin's subsets of at most two items: their sizes and members (-1 = none)
    def _rebuild_table(self) -> None:
        most = max((len(b) for b in self.bins), default=0)
        self.width = max(self.width, 1 + most + most * (most - 1) // 2)
        n = len(self.bins)
        self.sub_size: NDArray[np.int64] = np.full((n, self.width), -1, dtype=np.int64)
        self.sub_items: NDArray[np.int64] = np.full((n, self.width, 2), -1, dtype=np.int64)
        self.sub_count: NDArray[np.int64] = np.zeros((n, self.width), dtype=np.int64)
        for b in range(n):
            self._fill_row(b)

    def _fill_row(self, b: int) -> None:
        members = self.bins[b]
        subsets: list[tuple[int, ...]] = [(), *((i,) for i in members), *combinations(members, 2)]
        if len(subsets) > self.width:
            self.width = len(subsets)
            self._rebuild_table()
            return
        self.sub_size[b, :] = -1
        self.sub_items[b, :, :] = -1
        self.sub_count[b, :] = 0
        for k, sub in enumerate(subsets):
            self.sub_size[b, k] = sum(self.sizes[i] for i in sub)
            self.sub_items[b, k, : len(sub)] = sub
            self.sub_count[b, k] = len(sub)
        for i in members:
            self.bin_of[i] = b

    def pool_pairs(self) -> tuple[NDArray[np.int64], list[tuple[int, ...]]]:
        """Sums of the pool's subsets of one or two items, sorted by sum and then size (so the
        last of equal sums has the most items), with their members."""
        subs: list[tuple[int, ...]] = [(i,) for i in self.pool]
        subs += list(combinations(self.pool, 2))
        subs.sort(key=lambda s: (sum(self.sizes[i] for i in s), len(s)))
        sums = np.array([sum(self.sizes[i] for i in s) for s in subs], dtype=np.int64)
        return sums, subs

    def swap(self, b: int, out: tuple[int, ...], into: tuple[int, ...]) -> None:
        for i in out:
            self.bins[b].remove(i)
            self.pool.append(i)
        for i in into:
            self.pool.remove(i)
            self.bins[b].append(i)
        self.load[b] += sum(self.sizes[i] for i in into) - sum(self.sizes[i] for i in out)
        self._fill_row(b)


def _allowed(state: _State, tabu: set[int]) -> NDArray[np.bool_]:
    """Bin subsets that exist and hold no tabu item."""
    allowed = state.sub_size >= 0
    for i in tabu:
        b = state.bin_of.get(i)
        if b is not None and i in state.bins[b]:
            allowed[b] &= ~(state.sub_items[b] == i).any(axis=1)
    return allowed


def _best_swap(
    state: _State, tabu: set[int], noise: np.random.Generator
) -> tuple[int, tuple[int, ...], tuple[int, ...]] | None:
    """The best swap of a bin subset (no tabu item) for a pool subset of a different weight:
    least pool weight afterwards, then most pool items, ties at random."""
    sums, subs = state.pool_pairs()
    if not len(sums):
        return None
    counts = np.array([len(q) for q in subs], dtype=np.int64)
    valid = _allowed(state, tabu)
    out_size = state.sub_size
    room = state.capacity - state.load[:, None] + out_size
    pick = np.searchsorted(sums, room, side="right") - 1
    same = (pick >= 0) & (sums[np.maximum(pick, 0)] == out_size)
    below = np.searchsorted(sums, out_size, side="left") - 1
    pick = np.where(same, below, pick)
    valid &= pick >= 0
    safe = np.maximum(pick, 0)
    out_count = state.sub_count
    # pool weight change, then item count change (weights are integers, so scale by a bound)
    scale = 2 * state.width + 8
    delta = (out_size - sums[safe]) * scale - (out_count - counts[safe])
    delta = delta * 256 + noise.integers(0, 256, size=delta.shape)
    delta = np.where(valid, delta, np.iinfo(np.int64).max)
    flat = int(np.argmin(delta))
    if delta.flat[flat] == np.iinfo(np.int64).max:
        return None
    b, k = divmod(flat, state.width)
    out = tuple(int(i) for i in state.sub_items[b, k] if i >= 0)
    return b, out, subs[int(pick[b, k])]


def _fits_two_bins(sizes: list[int], pool: list[int], capacity: int) -> list[list[int]] | None:
    """The pool in two bins: the first the fullest subset (exact subset sum, or for capacities
    too large for a bitset the largest-first fill), the second the rest."""
    weights = [sizes[i] for i in pool]
    if sum(weights) > 2 * capacity:
        return None
    if capacity <= _EXACT_FILL_CAPACITY:
        first = set(best_fill(weights, capacity))
    else:
        first, room = set(), capacity
        for k in sorted(range(len(weights)), key=lambda k: -weights[k]):
            if weights[k] <= room:
                first.add(k)
                room -= weights[k]
    if sum(weights) - sum(weights[k] for k in first) > capacity:
        return None
    one = [pool[k] for k in sorted(first)]
    two = [pool[k] for k in range(len(pool)) if k not in first]
    return [b for b in (one, two) if b]


def two_bins_left(
    sizes: list[int],
    capacity: int,
    bins: list[list[int]],
    pool: list[int],
    deadline: float,
    rng: random.Random,
) -> list[list[int]] | None:
    """Bins for every item of ``bins`` and ``pool`` using at most two bins more than ``bins``,
    or None when time runs out."""
    state = _State(sizes, capacity, bins, pool)
    noise = np.random.default_rng(rng.getrandbits(32))
    tabu_until: dict[int, int] = {}
    moved: dict[int, int] = {}  # how often each item entered a bin: often-moved items rest longer
    step = 0
    while True:
        last = _fits_two_bins(sizes, state.pool, capacity)
        if last is not None:
            return [b for b in state.bins if b] + last
        step += 1
        if step & 15 == 0 and time.perf_counter() > deadline:
            return None
        tabu = {i for i, until in tabu_until.items() if until > step}
        move = _best_swap(state, tabu, noise)
        if move is None:
            tabu_until.clear()
            continue
        state.swap(*move)
        for i in move[2]:
            moved[i] = moved.get(i, 0) + 1
            tabu_until[i] = step + rng.randint(_TABU_MIN, _TABU_MAX) + moved[i] // 2


def fewer_bins(
    sizes: list[int],
    capacity: int,
    bins: list[list[int]],
    target: int,
    deadline: float,
    seed: int = 0,
) -> list[list[int]]:
    """The fewest bins found, from a feasible packing down towards ``target`` bins: each round
    empties the three least-loaded bins into the pool and searches for one bin fewer."""
    rng = random.Random(seed)
    best = [list(b) for b in bins]
    while len(best) > max(target, _REMOVED) and time.perf_counter() < deadline:
        by_load = sorted(range(len(best)), key=lambda b: (sum(sizes[i] for i in best[b]), b))
        drop = set(by_load[:_REMOVED])
        rest = [b for k, b in enumerate(best) if k not in drop]
        pool = [i for k in sorted(drop) for i in best[k]]
        found = two_bins_left(sizes, capacity, rest, pool, deadline, rng)
        if found is None or len(found) >= len(best):
            break
        best = found
    return best
