"""Construction: boxes filled one at a time from the units left.

Every box type in stock is tried on the remaining units (extreme-point packer, or blocks of
identical units), and the box that takes all of them at the best rank wins, else the one that
takes the most volume. ``best_single`` answers "which one box holds all of these", cached, with
the exact CP-SAT test for small sets.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal
from fractions import Fraction

from shipopt.packing.blocks import BoxKind, PlacedBlock, first_blocks
from shipopt.packing.blocks import load as load_blocks
from shipopt.packing.catalog import Catalog, Packed
from shipopt.packing.extreme_points import Bin, Merit, PItem
from shipopt.packing.fill_memo import FillMemo
from shipopt.packing.small_exact import exact_single_box

EXACT_UNITS = 8  # the exact one-box test runs for sets up to this many units
EXACT_WORK = 0.3  # CP-SAT deterministic time per test
BLOCK_MIN_UNITS = 4  # block fills run when some unit repeats this often
SLICE_UNITS = 200  # a longer list is offered to one box only up to twice its volume and payload
RUSH_SHARE = 0.3  # a rushed box costs about this share of a searched one (per unit)
FIRST_BLOCKS = 6  # block loadings started from each of this many largest first blocks


class Search:
    """The construction state of one cartonization: catalog, stock, deadline and caches."""

    def __init__(
        self,
        catalog: Catalog,
        support: Fraction | None,
        by_cost: bool,
        stock: list[int | None],
        exact: bool = True,
        extra: bool = True,
        memo: FillMemo | None = None,
    ) -> None:
        self.memo = FillMemo() if memo is None else memo
        self.exact = exact
        self.extra = extra
        self.catalog = catalog
        self.support = support
        self.by_cost = by_cost
        self.stock = stock
        self._single: dict[tuple[tuple[int, ...], tuple[Merit, ...]], tuple[int, Bin] | None] = {}
        self._blocked: dict[tuple[int, tuple[int, ...]], tuple[Bin, list[PItem]] | None] = {}
        self.deadline = float("inf")  # past it, every loop stops and construction rushes

    def expired(self) -> bool:
        """Past the deadline."""
        return time.perf_counter() > self.deadline

    def fill(self, b: int, items: list[PItem], merit: Merit) -> tuple[Bin | None, list[PItem]]:
        """One box of type ``b`` filled from ``items`` (extreme points in the given order); when
        units are left and some units repeat, also blocks of identical units first, and the
        fuller box wins."""
        items, rest = self._slice(b, items)
        bn, left = self.memo.fill(
            items, self.catalog.dims[b], self.catalog.capacity[b], self.support, merit
        )
        left += rest
        if left and merit != "first" and self.extra and not self.expired():
            key = (b, tuple(sorted(i.key for i in items)))
            if key not in self._blocked:  # restarts ask again with the same units in new orders
                self._blocked[key] = self.fill_blocks(b, items)
            blocked = self._blocked[key]
            if blocked is not None and (bn is None or blocked[0].volume > bn.volume):
                return blocked[0], blocked[1] + rest
        return bn, left

    def _slice(
        self, b: int, items: list[PItem], least: int = SLICE_UNITS, times: int = 2
    ) -> tuple[list[PItem], list[PItem]]:
        """A long list is offered to one box only as far as ``times`` its volume and payload (at
        least ``least`` units): filling one box never scans thousands of units."""
        if len(items) <= least:
            return items, []
        room, payload = times * self.catalog.volume[b], times * self.catalog.capacity[b]
        volume = weight = 0
        for n, item in enumerate(items):
            volume += item.volume
            weight += item.weight
            if n >= least and (volume > room or weight > payload):
                return items[:n], items[n:]
        return items, []

    def rush(self, b: int, items: list[PItem]) -> tuple[Bin | None, list[PItem]]:
        """Out of time: one box of type ``b`` by first fit over about one box of the units."""
        head, rest = self._slice(b, items, 1, 1)
        bn, left = self.memo.fill(
            head, self.catalog.dims[b], self.catalog.capacity[b], self.support, "first"
        )
        return bn, left + rest

    def fill_blocks(self, b: int, items: list[PItem]) -> tuple[Bin, list[PItem]] | None:
        """Identical plain units as grid blocks (simple-block loading, ``blocks.load``), then the
        other units by extreme points; None unless some unit repeats ``BLOCK_MIN_UNITS`` times."""
        groups: dict[tuple[tuple[tuple[int, int, int], ...], int], list[PItem]] = {}
        for i in items:
            if not i.fragile and i.max_stack < 0:
                groups.setdefault((i.rots, i.weight), []).append(i)
        keys = [k for k, g in groups.items() if len(g) > 1]
        if not any(len(groups[k]) >= BLOCK_MIN_UNITS for k in keys):
            return None
        W, D, H = self.catalog.dims[b]
        capacity = self.catalog.capacity[b]
        kinds = [
            BoxKind(rots, min(len(groups[(rots, w)]), capacity // w if w else len(items)))
            for rots, w in keys
        ]
        best: tuple[Bin, list[PItem]] | None = None
        for top_cut in (False, True):
            _, blocks = load_blocks((W, D, H), kinds, random.Random(0), 1, top_cut)
            found = self._place_blocks(b, items, blocks, groups, keys)
            if best is None or found[0].volume > best[0].volume:
                best = found
            if not best[1]:
                return best
        assert best is not None
        if (
            3 * len(best[1]) <= len(items)
            and sum(i.weight for i in items) <= capacity
            and sum(i.volume for i in items) <= W * D * H
        ):  # nearly everything went in: also start from each of the largest first blocks
            for first in first_blocks((W, D, H), kinds, FIRST_BLOCKS):
                _, blocks = load_blocks((W, D, H), kinds, random.Random(0), 1, True, first)
                found = self._place_blocks(b, items, blocks, groups, keys)
                if found[0].volume > best[0].volume:
                    best = found
                if not best[1]:
                    break
        return best if best is not None and best[0].placed else None

    def _place_blocks(
        self,
        b: int,
        items: list[PItem],
        blocks: list[PlacedBlock],
        groups: dict[tuple[tuple[tuple[int, int, int], ...], int], list[PItem]],
        keys: list[tuple[tuple[tuple[int, int, int], ...], int]],
    ) -> tuple[Bin, list[PItem]]:
        W, D, H = self.catalog.dims[b]
        track = any(i.max_stack >= 0 for i in items)
        bn = Bin(W, D, H, self.catalog.capacity[b], self.support, track)
        pools = {k: list(groups[k]) for k in keys}
        placed: set[int] = set()
        for block in blocks:
            pool = pools[keys[block.kind]]
            a, c, e = block.rot
            for ix in range(block.nx):
                for iy in range(block.ny):
                    for iz in range(block.nz):
                        unit = pool[-1]
                        x, y, z = block.x + ix * a, block.y + iy * c, block.z + iz * e
                        if bn.place_at(unit, x, y, z, a, c, e):
                            pool.pop()
                            placed.add(id(unit))
        left: list[PItem] = []
        for i in items:
            if id(i) in placed:
                continue
            cand = bn.candidate(i, "dbl")
            if cand is None:
                left.append(i)
            else:
                bn.place(i, cand[1], cand[2])
        return bn, left

    def box_rank(self, b: int, payload: int) -> tuple[object, ...]:
        """Rank of one box type holding ``payload`` ng: cost (cost objective), else volume."""
        if self.by_cost:
            c = self.catalog.cost(b, payload)
            return (c is None, c or Decimal(0), self.catalog.volume[b])
        return (self.catalog.volume[b],)

    def construct(
        self, items: list[PItem], merit: Merit, by_ratio: bool = False
    ) -> tuple[Packed, list[PItem]]:
        """Fill boxes one at a time. Default rule: a box that takes everything left (best
        ranked), else the one taking the most volume. ``by_ratio`` (cost objective): the box with
        the least cost per packed volume."""
        used = [0] * len(self.catalog.boxes)
        remaining = list(items)
        boxes: list[tuple[int, Bin]] = []
        started = time.perf_counter()
        while remaining:
            options = []
            in_stock = [
                b
                for b in range(len(self.catalog.boxes))
                if self.stock[b] is None or used[b] < self.stock[b]  # type: ignore[operator]
            ]
            if in_stock and self._rushed(started, len(items) - len(remaining), len(remaining)):
                # out of time (or soon): the roomiest box in stock, first fit, until done
                b = max(in_stock, key=lambda b: (self.catalog.volume[b], -b))
                bn, left = self.rush(b, remaining)
                if bn is None:
                    return Packed(boxes), remaining
                used[b] += 1
                boxes.append((b, bn))
                remaining = left
                continue
            if not by_ratio:
                # a box that takes everything left wins, best ranked first: try those that
                # could (by weight and volume) in rank order and stop at the first that does
                payload = sum(i.weight for i in remaining)
                volume = sum(i.volume for i in remaining)
                tried: set[int] = set()
                could = [
                    b
                    for b in in_stock
                    if payload <= self.catalog.capacity[b] and volume <= self.catalog.volume[b]
                ]
                for b in sorted(could, key=lambda b: self.box_rank(b, payload)):
                    tried.add(b)
                    bn, left = self.fill(b, remaining, merit)
                    if bn is not None:
                        options.append((b, bn, left))
                        if not left:
                            break
                in_stock = (
                    []
                    if options and not options[-1][2]
                    else [b for b in in_stock if b not in tried]
                )
            for b in in_stock:
                bn, left = self.fill(b, remaining, merit)
                if bn is not None:
                    options.append((b, bn, left))
            options.sort(key=lambda o: o[0])  # ties go to the lower index, as they always did
            if not options:
                return Packed(boxes), remaining
            complete = [o for o in options if not o[2]]
            priced = (
                [(self.catalog.cost(o[0], o[1].weight), o) for o in options] if by_ratio else []
            )
            if by_ratio and any(c is not None for c, _ in priced):
                _, (b, bn, left) = min(
                    ((c, o) for c, o in priced if c is not None),
                    key=lambda t: (t[0] / t[1][1].volume, len(t[1][2])),
                )
            elif complete:
                b, bn, left = min(complete, key=lambda o: self.box_rank(o[0], o[1].weight))
            else:
                b, bn, left = max(options, key=lambda o: (o[1].volume, -self.catalog.volume[o[0]]))
            used[b] += 1
            boxes.append((b, bn))
            remaining = left
        return Packed(boxes), []

    def _rushed(self, started: float, placed: int, remaining: int) -> bool:
        """Past the deadline, or so near it that the units left, at the rate so far (a rush
        costs about a tenth of it), would run past it."""
        now = time.perf_counter()
        if now > self.deadline:
            return True
        if not placed or self.deadline == float("inf"):
            return False
        return now + (now - started) / placed * remaining * RUSH_SHARE > self.deadline

    def within_stock(self, boxes: list[tuple[int, Bin]]) -> bool:
        """No box type used more often than its stock."""
        for b, limit in enumerate(self.stock):
            if limit is not None and sum(1 for bb, _ in boxes if bb == b) > limit:
                return False
        return True

    def single_box(self, items: list[PItem], merits: tuple[Merit, ...]) -> tuple[int, Bin] | None:
        """Cached by the set of units: restarts ask the same question many times (bins are never
        changed once built, so a cached answer stays valid)."""
        key = (tuple(sorted(i.key for i in items)), merits)
        if key not in self._single:
            self._single[key] = self._single_box_uncached(items, merits)
        return self._single[key]

    def _single_box_uncached(
        self, items: list[PItem], merits: tuple[Merit, ...]
    ) -> tuple[int, Bin] | None:
        """The best box type (by rank) that holds all ``items``: a few orders of the heuristic,
        then, for up to ``EXACT_UNITS`` units without a stacking weight limit (fragile ones
        included), the exact CP-SAT test."""
        payload = sum(i.weight for i in items)
        exact_ok = (
            self.exact and len(items) <= EXACT_UNITS and not any(i.max_stack >= 0 for i in items)
        )
        orders = [
            sorted(items, key=lambda i: -i.volume),
            sorted(items, key=lambda i: -max(i.rots[0])),
        ]
        volume = sum(i.volume for i in items)
        roomy = [
            b
            for b in range(len(self.catalog.boxes))
            if payload <= self.catalog.capacity[b] and volume <= self.catalog.volume[b]
        ]
        for b in sorted(roomy, key=lambda b: self.box_rank(b, payload)):
            if self.expired():
                return None
            for order in orders:
                for merit in merits:
                    bn, left = self.fill(b, order, merit)
                    if bn is not None and not left:
                        return b, bn
            if exact_ok:
                found = exact_single_box(
                    items, self.catalog.dims[b], self.catalog.capacity[b], self.support, EXACT_WORK
                )
                if found is not None:
                    return b, found
        return None

    def best_single(self, items: list[PItem]) -> tuple[int, Bin] | None:
        """The best-ranked box type that holds all ``items``, under both merits."""
        return self.single_box(items, ("dbl", "contact"))
