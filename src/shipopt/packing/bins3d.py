"""3D bin packing into identical bins (the MPV problem): the extreme-point packer from several
item orders and both merits, then seeded perturbations of the volume order, within a time limit."""

from __future__ import annotations

import random
import time
from fractions import Fraction

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
    best: list[Bin] | None = None
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
