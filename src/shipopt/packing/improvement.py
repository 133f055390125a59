"""Improvement of a packing: downsize and merge boxes, then try for one box fewer.

Every step keeps a change only when the objective improves and the stock allows it, and stops
at the deadline.
"""

from __future__ import annotations

import random
import time

from shipopt.packing.catalog import Packed
from shipopt.packing.construction import Search
from shipopt.packing.extreme_points import Bin, PItem
from shipopt.packing.starts import perturbed

MERGE_PAIRS = 4  # the least-filled pairs of boxes tried for a shuffled merge
REPARTITIONS = 8  # random balanced splits (at most one per restart) per box type for one fewer
RESPLIT_TYPES = 3  # the best-ranked box types tried for the re-split


def improve(search: Search, packed: Packed, deadline: float) -> Packed:
    """Each box downsized to the best box type that still holds its units, then pairs merged
    (least filled first) where one box holds both."""
    boxes = list(packed.boxes)
    # downsize each box
    for i, (b, bn) in enumerate(boxes):
        if time.perf_counter() > deadline:
            break
        best = search.single_box([p.item for p in bn.placed], ("dbl", "contact"))
        if best is not None and search.box_rank(best[0], best[1].weight) < search.box_rank(
            b, bn.weight
        ):
            trial = [*boxes[:i], best, *boxes[i + 1 :]]
            if search.within_stock(trial):
                boxes = trial
    # merge pairs, lightest-filled first
    merged = True
    while merged and len(boxes) > 1 and time.perf_counter() < deadline:
        merged = False
        order = sorted(range(len(boxes)), key=lambda k: boxes[k][1].volume)
        for ai in range(len(order)):
            for bi in range(ai + 1, len(order)):
                if time.perf_counter() > deadline:
                    break
                i, j = order[ai], order[bi]
                items = [p.item for p in boxes[i][1].placed] + [p.item for p in boxes[j][1].placed]
                single = search.single_box(items, ("dbl",))
                if single is None:
                    continue
                trial = [bx for k, bx in enumerate(boxes) if k not in (i, j)] + [single]
                if search.within_stock(trial) and Packed(trial).key(
                    search.catalog, search.by_cost
                ) < Packed(boxes).key(search.catalog, search.by_cost):
                    boxes, merged = trial, True
                    break
            if merged or time.perf_counter() > deadline:
                break
    return Packed(boxes)


def empty_boxes(
    search: Search, packed: Packed, deadline: float, rng: random.Random, shuffles: int
) -> Packed:
    """Try for one box fewer: for the ``MERGE_PAIRS`` pairs of boxes with the least in
    them, up to ``shuffles`` shuffled orders of their units in every box type that could
    hold both, until one takes them all. Kept only when the objective improves."""
    boxes = list(packed.boxes)
    while len(boxes) > 1 and time.perf_counter() < deadline:
        better = _merge_shuffled(search, boxes, deadline, rng, shuffles)
        if better is None:
            break
        boxes = better
    return Packed(boxes)


def repartition(
    search: Search, packed: Packed, deadline: float, rng: random.Random, tries: int
) -> Packed:
    """Try one box fewer by splitting all the units afresh: for each of the best-ranked box
    types that could hold them in k = boxes - 1 copies by weight and volume, ``tries`` random
    splits into k
    groups balanced by weight and volume, each group filled into its own box. Kept (after
    downsizing) only when the objective improves."""
    units = [p.item for _, bn in packed.boxes for p in bn.placed]
    k = len(packed.boxes) - 1
    payload = sum(i.weight for i in units)
    volume = sum(i.volume for i in units)
    types = sorted(
        (
            b
            for b in range(len(search.catalog.boxes))
            if payload <= k * search.catalog.capacity[b]
            and volume <= k * search.catalog.volume[b]
            and (search.stock[b] is None or search.stock[b] >= k)  # type: ignore[operator]
        ),
        key=lambda b: search.box_rank(b, payload // k),
    )
    for b in types[:RESPLIT_TYPES]:
        cap, room = search.catalog.capacity[b], search.catalog.volume[b]
        for _ in range(tries):
            if time.perf_counter() > deadline:
                return packed
            groups = balanced_split(units, k, cap, room, rng)
            if groups is None:
                continue
            boxes: list[tuple[int, Bin]] = []
            for group in groups:
                bn, left = search.fill(b, sorted(group, key=lambda i: (-i.volume, i.key)), "dbl")
                if bn is None or left:
                    break
                boxes.append((b, bn))
            else:
                trial = improve(search, Packed(boxes), deadline)
                if search.within_stock(trial.boxes) and trial.key(
                    search.catalog, search.by_cost
                ) < packed.key(search.catalog, search.by_cost):
                    return trial
    return packed


def _merge_shuffled(
    search: Search, boxes: list[tuple[int, Bin]], deadline: float, rng: random.Random, shuffles: int
) -> list[tuple[int, Bin]] | None:
    pairs = sorted(
        ((i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))),
        key=lambda ij: boxes[ij[0]][1].volume + boxes[ij[1]][1].volume,
    )[:MERGE_PAIRS]
    for i, j in pairs:
        items = [p.item for p in boxes[i][1].placed] + [p.item for p in boxes[j][1].placed]
        payload = sum(it.weight for it in items)
        volume = sum(it.volume for it in items)
        types = sorted(
            (
                b
                for b in range(len(search.catalog.boxes))
                if payload <= search.catalog.capacity[b] and volume <= search.catalog.volume[b]
            ),
            key=lambda b: search.box_rank(b, payload),
        )
        for _ in range(shuffles):
            if time.perf_counter() > deadline:
                return None
            order, merit = perturbed(sorted(items, key=lambda it: -it.volume), rng)
            for b in types:
                bn, left = search.fill(b, order, merit)
                if bn is None or left:
                    continue
                trial = [bx for k, bx in enumerate(boxes) if k not in (i, j)] + [(b, bn)]
                if search.within_stock(trial) and Packed(trial).key(
                    search.catalog, search.by_cost
                ) < Packed(boxes).key(search.catalog, search.by_cost):
                    return trial
    return None


def balanced_split(
    units: list[PItem], k: int, capacity: int, room: int, rng: random.Random
) -> list[list[PItem]] | None:
    """``units`` in k groups within ``capacity`` and ``room`` each: heaviest-ish first (weights
    jittered at random), each to the group with the least weight and volume share so far; None
    when a unit fits no group."""
    order = sorted(units, key=lambda i: (-i.weight * rng.random(), i.key))
    groups: list[list[PItem]] = [[] for _ in range(k)]
    weight, volume = [0] * k, [0] * k
    for unit in order:
        fits = [
            g
            for g in range(k)
            if weight[g] + unit.weight <= capacity and volume[g] + unit.volume <= room
        ]
        if not fits:
            return None
        g = min(fits, key=lambda g: (weight[g] / capacity + volume[g] / room, g))
        groups[g].append(unit)
        weight[g] += unit.weight
        volume[g] += unit.volume
    return groups
