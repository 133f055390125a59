"""Start orders for the construction: sorted by several keys, then seeded perturbations."""

from __future__ import annotations

import random
from collections.abc import Iterator

from shipopt.packing.extreme_points import Merit, PItem


def start_orders(
    items: list[PItem], rng: random.Random, starts: int, by_cost: bool
) -> Iterator[tuple[list[PItem], Merit]]:
    """Start plans, made as they are asked for: sorted orders by several keys under both merits,
    then seeded perturbations. With the cost objective every plan appears twice (the search
    alternates construction rules)."""
    keys = [
        lambda i: (-i.volume, i.key),
        lambda i: (-max(i.rots[0]), -i.volume, i.key),
        lambda i: (-i.rots[0][2], -i.volume, i.key),
        lambda i: (-sorted(i.rots[0])[1] * sorted(i.rots[0])[2], i.key),
        lambda i: (-i.weight, -i.volume, i.key),
    ]
    made = 0
    merits: tuple[Merit, ...] = ("dbl", "contact")
    for sorted_merit in merits:
        for k in keys:
            plan = (sorted(items, key=k), sorted_merit)
            for _ in range(2 if by_cost else 1):
                if made == starts:
                    return
                made += 1
                yield plan
    base = sorted(items, key=keys[0])
    while made < starts:
        made += 1
        yield perturbed(base, rng)


def perturbed(base: list[PItem], rng: random.Random) -> tuple[list[PItem], Merit]:
    """``base`` with neighbours swapped at random and a random merit; under "first" each unit's
    rotations are also tried in a shuffled order."""
    order = list(base)
    for _ in range(max(1, len(order) // 3)):
        a = rng.randrange(len(order))
        b = min(len(order) - 1, a + rng.randint(1, 3))
        order[a], order[b] = order[b], order[a]
    merit: Merit = rng.choice(("dbl", "contact", "first"))
    if merit == "first":
        order = [
            PItem(i.key, tuple(rng.sample(i.rots, len(i.rots))), i.weight, i.fragile, i.max_stack)
            for i in order
        ]
    return order, merit
