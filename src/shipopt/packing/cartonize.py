"""Cartonization: choose boxes from a catalog and place every item unit in 3D.

Construction fills one box at a time: every box type in stock is tried on the remaining units
(extreme-point packer), and the box that takes all of them at the best objective wins, else the
one that takes the most volume. Improvement: each box is downsized to the best box type that
still holds its units, and pairs of boxes are merged where one box holds both. Several item
orders and merits are started (deterministic for a seed), within the time limit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import gcd

from shipopt.domain.packing import (
    BoxType,
    Item,
    PackedBox,
    PackRequest,
    PackResult,
    Placement,
    UnpackedItem,
    UnpackedReason,
)
from shipopt.domain.parcel import Dimensions
from shipopt.packing.blocks import BoxKind, PlacedBlock, first_blocks
from shipopt.packing.blocks import load as load_blocks
from shipopt.packing.extreme_points import Bin, Merit, PItem, pack_sequence, rotations
from shipopt.packing.small_exact import exact_single_box
from shipopt.units import Length, Mass

# One box's shipping price on each eligible service (None: that service cannot carry it), in a
# fixed service order: a shipment's boxes all go by one service, so a packing costs its boxes
# plus the least, over the services that carry every box, of that service's prices summed.
ServicePrices = tuple[Decimal | None, ...]
Pricer = Callable[[Dimensions, Mass], ServicePrices]


def cheapest(prices: ServicePrices) -> Decimal | None:
    """The least price of one box over the services (None if no service carries it)."""
    known = [p for p in prices if p is not None]
    return min(known) if known else None


def one_service_total(prices: list[ServicePrices]) -> tuple[Decimal, int] | None:
    """The least total of ``prices`` (one tuple per box) on a single service, and its index."""
    best: tuple[Decimal, int] | None = None
    for s in range(len(prices[0]) if prices else 0):
        column = [p[s] for p in prices]
        if all(c is not None for c in column):
            total = sum((c for c in column if c is not None), Decimal(0))
            if best is None or total < best[0]:
                best = (total, s)
    return best


OWN_PACKAGING = "OWN_PACKAGING"
EXACT_UNITS = 8  # the exact one-box test runs for sets up to this many units
EXACT_WORK = 0.3  # CP-SAT deterministic time per test
MERGE_PAIRS = 4  # the least-filled pairs of boxes tried for a shuffled merge
REPARTITIONS = 8  # random balanced splits (at most one per restart) per box type for one fewer
RESPLIT_TYPES = 3  # the best-ranked box types tried for the re-split
BLOCK_MIN_UNITS = 4  # block fills run when some unit repeats this often
SLICE_UNITS = 200  # a longer list is offered to one box only up to twice its volume and payload
RUSH_SHARE = 0.3  # a rushed box costs about this share of a searched one (per unit)
OUTPUT_SECONDS_PER_UNIT = 25e-6  # building the answer, per unit
FIRST_BLOCKS = 6  # block loadings started from each of this many largest first blocks


@dataclass(frozen=True)
class Unit:
    """One unit of an order line."""

    sku: str
    unit: int
    item: Item


@dataclass
class Catalog:
    """Box types in solver units, with the objective's cost of one box per gross weight."""

    boxes: list[BoxType]
    dims: list[tuple[int, int, int]]
    capacity: list[int]  # payload in ng
    volume: list[int]
    pricer: Pricer | None
    _prices: dict[tuple[int, int], ServicePrices]

    def prices(self, b: int, payload_ng: int) -> ServicePrices:
        """Shipping of box ``b`` with ``payload_ng`` on each service (a pricer is set)."""
        key = (b, payload_ng)
        found = self._prices.get(key)
        if found is None:
            assert self.pricer is not None
            box = self.boxes[b]
            found = self.pricer(box.outer, Mass(box.tare_weight.ng + payload_ng))
            self._prices[key] = found
        return found

    def cost(self, b: int, payload_ng: int) -> Decimal | None:
        """Box cost plus its cheapest shipping alone (for ranking one box); None if no service
        carries it."""
        if self.pricer is None:
            return self.boxes[b].cost
        price = cheapest(self.prices(b, payload_ng))
        return None if price is None else price + self.boxes[b].cost


@dataclass
class Packed:
    """A solution: (box type, bin) pairs."""

    boxes: list[tuple[int, Bin]]

    def key(self, catalog: Catalog, by_cost: bool) -> tuple[object, ...]:
        if by_cost:
            if catalog.pricer is None:
                box_cost = sum((catalog.boxes[b].cost for b, _ in self.boxes), Decimal(0))
                return (0, box_cost, len(self.boxes))
            shipping = one_service_total([catalog.prices(b, bn.weight) for b, bn in self.boxes])
            if shipping is None:  # no one service carries every box
                return (1, Decimal(0), len(self.boxes))
            box_cost = sum((catalog.boxes[b].cost for b, _ in self.boxes), Decimal(0))
            return (0, box_cost + shipping[0], len(self.boxes))
        return (len(self.boxes), sum(catalog.volume[b] for b, _ in self.boxes))


def _scale(request: PackRequest) -> int:
    g = 0
    for it in request.items:
        for d in (it.dimensions.length, it.dimensions.width, it.dimensions.height):
            g = gcd(g, d.nm)
    for b in request.boxes:
        for d in (b.inner.length, b.inner.width, b.inner.height):
            g = gcd(g, d.nm)
    return g or 1


def _pitem(key: int, item: Item, g: int) -> PItem:
    d = item.dimensions
    return PItem(
        key,
        rotations(d.length.nm // g, d.width.nm // g, d.height.nm // g, item.orientation),
        item.weight.ng,
        item.fragile,
        item.max_stack_weight.ng if item.max_stack_weight is not None else -1,
    )


def _fits_some_box(p: PItem, catalog: Catalog, usable: list[int]) -> UnpackedReason | None:
    size_ok = [
        b
        for b in usable
        if any(
            r[0] <= catalog.dims[b][0] and r[1] <= catalog.dims[b][1] and r[2] <= catalog.dims[b][2]
            for r in p.rots
        )
    ]
    if not size_ok:
        return UnpackedReason.TOO_LARGE
    if not any(p.weight <= catalog.capacity[b] for b in size_ok):
        return UnpackedReason.TOO_HEAVY
    return None


class _Search:
    def __init__(
        self,
        catalog: Catalog,
        support: Fraction | None,
        by_cost: bool,
        stock: list[int | None],
        exact: bool = True,
        extra: bool = True,
    ) -> None:
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
        return time.perf_counter() > self.deadline

    def fill(self, b: int, items: list[PItem], merit: Merit) -> tuple[Bin | None, list[PItem]]:
        """One box of type ``b`` filled from ``items`` (extreme points in the given order); when
        units are left and some units repeat, also blocks of identical units first, and the
        fuller box wins."""
        W, D, H = self.catalog.dims[b]
        items, rest = self._slice(b, items)
        bins, left = pack_sequence(
            items, W, D, H, self.catalog.capacity[b], self.support, merit, max_bins=1
        )
        left += rest
        if left and merit != "first" and self.extra and not self.expired():
            key = (b, tuple(sorted(i.key for i in items)))
            if key not in self._blocked:  # restarts ask again with the same units in new orders
                self._blocked[key] = self.fill_blocks(b, items)
            blocked = self._blocked[key]
            if blocked is not None and (not bins or blocked[0].volume > bins[0].volume):
                return blocked[0], blocked[1] + rest
        return (bins[0] if bins else None), left

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
        W, D, H = self.catalog.dims[b]
        head, rest = self._slice(b, items, 1, 1)
        bins, left = pack_sequence(
            head, W, D, H, self.catalog.capacity[b], self.support, "first", max_bins=1
        )
        return (bins[0] if bins else None), left + rest

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

    def _within_stock(self, boxes: list[tuple[int, Bin]]) -> bool:
        for b, limit in enumerate(self.stock):
            if limit is not None and sum(1 for bb, _ in boxes if bb == b) > limit:
                return False
        return True

    def _best_single(self, items: list[PItem], merits: tuple[Merit, ...]) -> tuple[int, Bin] | None:
        """Cached by the set of units: restarts ask the same question many times (bins are never
        changed once built, so a cached answer stays valid)."""
        key = (tuple(sorted(i.key for i in items)), merits)
        if key not in self._single:
            self._single[key] = self._best_single_uncached(items, merits)
        return self._single[key]

    def _best_single_uncached(
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
        return self._best_single(items, ("dbl", "contact"))

    def improve(self, packed: Packed, deadline: float) -> Packed:
        boxes = list(packed.boxes)
        # downsize each box
        for i, (b, bn) in enumerate(boxes):
            if time.perf_counter() > deadline:
                break
            best = self._best_single([p.item for p in bn.placed], ("dbl", "contact"))
            if best is not None and self.box_rank(best[0], best[1].weight) < self.box_rank(
                b, bn.weight
            ):
                trial = [*boxes[:i], best, *boxes[i + 1 :]]
                if self._within_stock(trial):
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
                    items = [p.item for p in boxes[i][1].placed] + [
                        p.item for p in boxes[j][1].placed
                    ]
                    single = self._best_single(items, ("dbl",))
                    if single is None:
                        continue
                    trial = [bx for k, bx in enumerate(boxes) if k not in (i, j)] + [single]
                    if self._within_stock(trial) and Packed(trial).key(
                        self.catalog, self.by_cost
                    ) < Packed(boxes).key(self.catalog, self.by_cost):
                        boxes, merged = trial, True
                        break
                if merged or time.perf_counter() > deadline:
                    break
        return Packed(boxes)

    def empty_boxes(
        self, packed: Packed, deadline: float, rng: random.Random, shuffles: int
    ) -> Packed:
        """Try for one box fewer: for the ``MERGE_PAIRS`` pairs of boxes with the least in
        them, up to ``shuffles`` shuffled orders of their units in every box type that could
        hold both, until one takes them all. Kept only when the objective improves."""
        boxes = list(packed.boxes)
        while len(boxes) > 1 and time.perf_counter() < deadline:
            better = self._merge_shuffled(boxes, deadline, rng, shuffles)
            if better is None:
                break
            boxes = better
        return Packed(boxes)

    def repartition(
        self, packed: Packed, deadline: float, rng: random.Random, tries: int
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
                for b in range(len(self.catalog.boxes))
                if payload <= k * self.catalog.capacity[b]
                and volume <= k * self.catalog.volume[b]
                and (self.stock[b] is None or self.stock[b] >= k)  # type: ignore[operator]
            ),
            key=lambda b: self.box_rank(b, payload // k),
        )
        for b in types[:RESPLIT_TYPES]:
            cap, room = self.catalog.capacity[b], self.catalog.volume[b]
            for _ in range(tries):
                if time.perf_counter() > deadline:
                    return packed
                groups = _balanced_split(units, k, cap, room, rng)
                if groups is None:
                    continue
                boxes: list[tuple[int, Bin]] = []
                for group in groups:
                    bn, left = self.fill(b, sorted(group, key=lambda i: (-i.volume, i.key)), "dbl")
                    if bn is None or left:
                        break
                    boxes.append((b, bn))
                else:
                    trial = self.improve(Packed(boxes), deadline)
                    if self._within_stock(trial.boxes) and trial.key(
                        self.catalog, self.by_cost
                    ) < packed.key(self.catalog, self.by_cost):
                        return trial
        return packed

    def _merge_shuffled(
        self, boxes: list[tuple[int, Bin]], deadline: float, rng: random.Random, shuffles: int
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
                    for b in range(len(self.catalog.boxes))
                    if payload <= self.catalog.capacity[b] and volume <= self.catalog.volume[b]
                ),
                key=lambda b: self.box_rank(b, payload),
            )
            for _ in range(shuffles):
                if time.perf_counter() > deadline:
                    return None
                order = sorted(items, key=lambda it: -it.volume)
                for _ in range(max(1, len(order) // 3)):
                    a = rng.randrange(len(order))
                    c = min(len(order) - 1, a + rng.randint(1, 3))
                    order[a], order[c] = order[c], order[a]
                merit: Merit = rng.choice(("dbl", "contact", "first"))
                if merit == "first":  # the units' rotations in a shuffled order
                    order = [
                        PItem(
                            it.key,
                            tuple(rng.sample(it.rots, len(it.rots))),
                            it.weight,
                            it.fragile,
                            it.max_stack,
                        )
                        for it in order
                    ]
                for b in types:
                    bn, left = self.fill(b, order, merit)
                    if bn is None or left:
                        continue
                    trial = [bx for k, bx in enumerate(boxes) if k not in (i, j)] + [(b, bn)]
                    if self._within_stock(trial) and Packed(trial).key(
                        self.catalog, self.by_cost
                    ) < Packed(boxes).key(self.catalog, self.by_cost):
                        return trial
        return None


def _orders(
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
        # perturbed volume order: swap neighbours at random
        order = list(base)
        for _ in range(max(1, len(order) // 3)):
            a = rng.randrange(len(order))
            b = min(len(order) - 1, a + rng.randint(1, 3))
            order[a], order[b] = order[b], order[a]
        merit: Merit = rng.choice(("dbl", "contact", "first"))
        if merit == "first":  # try the units' rotations in a shuffled order
            order = [
                PItem(
                    i.key, tuple(rng.sample(i.rots, len(i.rots))), i.weight, i.fragile, i.max_stack
                )
                for i in order
            ]
        made += 1
        yield order, merit


def _balanced_split(
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


PriceMemo = dict[tuple[int, int], ServicePrices]


def cartonize(
    request: PackRequest, pricer: Pricer | None = None, price_memo: PriceMemo | None = None
) -> PackResult:
    """Pack every unit of the request; never drops one (units that cannot go in any box are
    listed as unpacked with the reason). ``price_memo``: box cost plus shipping by (box index,
    payload), kept by a caller that packs many requests with the same boxes and pricer."""
    started = time.perf_counter()
    opts = request.options
    deadline = started + opts.time_limit
    by_cost = opts.objective == "cost" or (opts.objective == "auto" and pricer is not None)
    if opts.objective == "cost" and pricer is None:
        raise ValueError("objective 'cost' needs a pricing function")
    g = _scale(request)
    catalog = Catalog(
        boxes=list(request.boxes),
        dims=[
            (b.inner.length.nm // g, b.inner.width.nm // g, b.inner.height.nm // g)
            for b in request.boxes
        ],
        capacity=[b.max_gross_weight.ng - b.tare_weight.ng for b in request.boxes],
        volume=[
            (b.inner.length.nm // g) * (b.inner.width.nm // g) * (b.inner.height.nm // g)
            for b in request.boxes
        ],
        pricer=pricer if by_cost else None,
        _prices={} if price_memo is None or not by_cost else price_memo,
    )
    units: list[Unit] = []
    alone: list[Unit] = []
    items: list[PItem] = []
    unpacked: list[UnpackedItem] = []
    usable = [b for b, box in enumerate(request.boxes) if box.stock is None or box.stock > 0]
    for line in request.items:
        for u in range(line.quantity):
            unit = Unit(line.sku, u, line)
            if line.ships_alone:
                alone.append(unit)
                continue
            key = len(units)
            units.append(unit)
            p = _pitem(key, line, g)
            reason = _fits_some_box(p, catalog, usable)
            if reason is not None and len(usable) < len(request.boxes):
                every = list(range(len(request.boxes)))
                if _fits_some_box(p, catalog, every) is None:  # a box would take it: none left
                    reason = UnpackedReason.OUT_OF_STOCK
            if reason is not None:
                unpacked.append(
                    UnpackedItem(
                        sku=line.sku,
                        unit=u,
                        reason=reason,
                        message=_why(reason, len(request.boxes)),
                    )
                )
            else:
                items.append(p)
    support = Fraction(opts.support) if opts.support is not None else None
    search = _Search(
        catalog,
        support,
        by_cost,
        [b.stock for b in request.boxes],
        opts.exact_check,
        opts.extra_fills,
    )
    # the search stops early enough to leave time for building the answer (about 25 us a unit)
    search.deadline = deadline - min(OUTPUT_SECONDS_PER_UNIT * len(items), opts.time_limit / 2)
    deadline = search.deadline
    rng = random.Random(opts.seed)
    best: Packed | None = None
    best_left: list[PItem] = []
    starts = 0
    if items:
        floor = _box_lower_bound(items, catalog, usable)
        # restarts get three quarters of the time; re-splitting and merging boxes the rest
        restarts_end = started + 0.75 * opts.time_limit
        for n, (order, merit) in enumerate(_orders(items, rng, opts.max_starts, by_cost)):
            if starts and time.perf_counter() > restarts_end:
                break
            packed, left = search.construct(order, merit, by_ratio=by_cost and n % 2 == 1)
            packed = search.improve(packed, deadline)
            starts += 1
            cand = (len(left), packed.key(catalog, by_cost))
            if best is None or cand < (len(best_left), best.key(catalog, by_cost)):
                best, best_left = packed, left
            if not by_cost and not best_left and len(best.boxes) <= floor:
                break  # the box count meets its lower bound; later starts could only trim volume
            if len(items) == 1 and not best_left:
                break  # one unit: the downsizing already tried every box type in rank order
        assert best is not None
        if opts.extra_fills and len(best.boxes) > max(1, floor) and not best_left:
            best = search.repartition(best, deadline, rng, min(REPARTITIONS, opts.max_starts))
        if len(best.boxes) > max(1, floor) and not best_left:
            best = search.empty_boxes(best, deadline, rng, opts.max_starts)
        if len(items) <= EXACT_UNITS and len(best.boxes) > 1 and not best_left:
            single = search.best_single(items)
            if single is not None and Packed([single]).key(catalog, by_cost) < best.key(
                catalog, by_cost
            ):
                best = Packed([single])
    for p in best_left:
        unit = units[p.key]
        reason = (
            UnpackedReason.OUT_OF_STOCK
            if any(b.stock is not None for b in request.boxes)
            else UnpackedReason.NOT_PLACED
        )
        unpacked.append(
            UnpackedItem(
                sku=unit.sku,
                unit=unit.unit,
                reason=reason,
                message="boxes in stock ran out"
                if reason == UnpackedReason.OUT_OF_STOCK
                else "no box arrangement found for this unit",
            )
        )
    boxes = [_packed_box(catalog, b, bn, units, g) for b, bn in (best.boxes if best else [])]
    boxes += [_own_box(u) for u in alone]
    total_shipping: Decimal | None = None
    if pricer is not None and boxes:
        # every box by the one service that ships them all cheapest: what the quote charges
        prices = [pricer(bx.outer, bx.gross_weight) for bx in boxes]
        chosen = one_service_total(prices)
        if chosen is not None:
            total_shipping, s = chosen
            boxes = [
                bx.model_copy(update={"shipping_cost": p[s]})
                for bx, p in zip(boxes, prices, strict=True)
            ]
    return PackResult(
        boxes=boxes,
        unpacked=sorted(unpacked, key=lambda u: (u.sku, u.unit)),
        objective="cost" if by_cost else "boxes",
        total_box_cost=sum((bx.box_cost for bx in boxes), Decimal(0)),
        total_shipping_cost=total_shipping,
        starts=starts,
        seconds=round(time.perf_counter() - started, 4),
    )


def _box_lower_bound(items: list[PItem], catalog: Catalog, usable: list[int]) -> int:
    """No packing uses fewer boxes than the volume or the weight needs of the largest box."""
    volume = max(catalog.volume[b] for b in usable)
    payload = max(catalog.capacity[b] for b in usable)
    return max(
        1, -(-sum(i.volume for i in items) // volume), -(-sum(i.weight for i in items) // payload)
    )


def _why(reason: UnpackedReason, n_boxes: int) -> str:
    if reason == UnpackedReason.OUT_OF_STOCK:
        return "every box type that could take it is out of stock"
    if reason == UnpackedReason.TOO_LARGE:
        return f"larger than every box in the catalog ({n_boxes}) in every allowed orientation"
    return "heavier than any box that it fits can carry"


def _packed_box(catalog: Catalog, b: int, bn: Bin, units: list[Unit], g: int) -> PackedBox:
    box = catalog.boxes[b]
    placements = [
        Placement(
            sku=units[p.item.key].sku,
            unit=units[p.item.key].unit,
            x=Length(p.x * g),
            y=Length(p.y * g),
            z=Length(p.z * g),
            length=Length(p.dx * g),
            width=Length(p.dy * g),
            height=Length(p.dz * g),
        )
        for p in sorted(bn.placed, key=lambda p: (p.z, p.y, p.x))
    ]
    fill = Decimal(bn.volume) / Decimal(catalog.volume[b])
    return PackedBox(
        box=box.name,
        outer=box.outer,
        placements=placements,
        gross_weight=Mass(box.tare_weight.ng + bn.weight),
        fill_rate=fill.quantize(Decimal("0.0001")),
        box_cost=box.cost,
    )


def _own_box(unit: Unit) -> PackedBox:
    d = unit.item.dimensions
    zero = Length(0)
    return PackedBox(
        box=OWN_PACKAGING,
        outer=d,
        placements=[
            Placement(
                sku=unit.sku,
                unit=unit.unit,
                x=zero,
                y=zero,
                z=zero,
                length=d.length,
                width=d.width,
                height=d.height,
            )
        ],
        gross_weight=unit.item.weight,
        fill_rate=Decimal("1.0000"),
        box_cost=Decimal(0),
    )
