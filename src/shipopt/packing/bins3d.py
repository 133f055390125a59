"""3D bin packing into identical bins (the MPV problem): the extreme-point packer from several
item orders and both merits, one start from a maximum matching of the pairs of items that share a
bin (then the rest first fit), then seeded perturbations of the volume order, within a time
limit."""

from __future__ import annotations

import random
import time
from fractions import Fraction

import networkx as nx

from shipopt.packing.extreme_points import Bin, Merit, PItem, pack_sequence

MERITS: tuple[Merit, ...] = ("dbl", "contact")


def pack_bins(
    items: list[PItem],
    dims: tuple[int, int, int],
    capacity: int,
    support: Fraction | None,
    time_limit: float,
    seed: int = 0,
) -> list[Bin]:
    """The fewest bins found (every item must fit a bin on its own)."""
    W, D, H = dims
    orders = [
        sorted(items, key=lambda i: (-i.volume, i.key)),
        sorted(items, key=lambda i: (-i.rots[0][2], -i.volume, i.key)),
        sorted(items, key=lambda i: (-max(i.rots[0]), -i.volume, i.key)),
        sorted(items, key=lambda i: (-i.rots[0][0] * i.rots[0][1], -i.volume, i.key)),
    ]
    plans = [(o, m) for o in orders for m in MERITS]
    deadline = time.perf_counter() + time_limit
    rng = random.Random(seed)
    best = _matched_pairs(items, dims, capacity, support)
    k = 0
    while k < len(plans) or time.perf_counter() < deadline:
        if k < len(plans):
            order, merit = plans[k]
        else:
            order = list(orders[0])
            for _ in range(max(1, len(order) // 4)):
                a = rng.randrange(len(order))
                b = min(len(order) - 1, a + rng.randint(1, 4))
                order[a], order[b] = order[b], order[a]
            merit = rng.choice(MERITS)
        bins, left = pack_sequence(order, W, D, H, capacity, support, merit)
        if left:
            raise ValueError("an item does not fit an empty bin")
        if best is None or len(bins) < len(best):
            best = bins
        k += 1
    assert best is not None
    return best


def _pair_fits(a: PItem, b: PItem, dims: tuple[int, int, int]) -> bool:
    """Two boxes share a bin exactly when, in some orientations, they sit side by side along one
    axis: their extents along it add up to at most the bin's."""
    return any(ra[k] + rb[k] <= dims[k] for ra in a.rots for rb in b.rots for k in range(3))


def _matched_pairs(
    items: list[PItem], dims: tuple[int, int, int], capacity: int, support: Fraction | None
) -> list[Bin] | None:
    """Bins from a maximum-cardinality matching of the items that fit together in pairs, the
    other items first fit (largest first) into those bins and then into new ones; None when the
    extreme-point packer cannot seat a matched pair (support rules)."""
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(range(len(items)))
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if a.weight + b.weight <= capacity and _pair_fits(a, b, dims):
                graph.add_edge(i, j)
    matching = sorted(tuple(sorted(e)) for e in nx.max_weight_matching(graph, maxcardinality=True))
    W, D, H = dims
    bins: list[Bin] = []
    for i, j in matching:
        pair = sorted((items[i], items[j]), key=lambda it: (-it.volume, it.key))
        packed, left = pack_sequence(pair, W, D, H, capacity, support, "dbl", max_bins=1)
        if left:
            return None
        bins += packed
    matched = {k for e in matching for k in e}
    rest = sorted((it for k, it in enumerate(items) if k not in matched), key=lambda it: -it.volume)
    for item in rest:
        for bn in bins:
            cand = bn.candidate(item, "dbl")
            if cand is not None:
                bn.place(item, cand[1], cand[2])
                break
        else:
            more, left = pack_sequence([item], W, D, H, capacity, support, "dbl")
            if left:
                return None
            bins += more
    return bins
