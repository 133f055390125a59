"""An extreme-point 3D packer on small integer units (after Crainic, Perboli and Tadei, 2008).

A bin keeps the "extreme points" where a next item's back-bottom-left corner may go: the
projections, along the axes, of the corners of the items already placed. An item goes to the
feasible point and rotation with the best merit. Feasible means inside the bin, overlapping
nothing, within the weight limit, supported (floor, or enough of its base on items' tops), not
above a fragile item, and not overloading any item's maximum stack weight.

This file is the packer's one source: ``extreme_points`` runs it as Python, or as the C
extension that ``shipopt.packing.native`` compiles from this very file with mypyc. It imports
nothing of shipopt, so that it compiles on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

Rot = tuple[int, int, int]
# a bin as plain integers: placed rows (position, x, y, z, dx, dy, dz), each one's supports
# (index of an earlier row, contact area), loads (with stack limits only), extreme points
Recipe = tuple[
    tuple[tuple[int, ...], ...],
    tuple[tuple[tuple[int, int], ...], ...],
    tuple[Fraction, ...],
    tuple[tuple[int, int, int], ...],
]
Merit = Literal["dbl", "contact", "first"]


def rotations(l: int, w: int, h: int, rule: str) -> tuple[Rot, ...]:
    """Distinct (dx, dy, dz) extents allowed by the orientation rule."""
    if rule == "fixed":
        return ((l, w, h),)
    if rule == "upright":
        return tuple(dict.fromkeys(((l, w, h), (w, l, h))))
    perms = ((l, w, h), (w, l, h), (l, h, w), (h, l, w), (w, h, l), (h, w, l))
    return tuple(dict.fromkeys(perms))


# Kinds of unit seen by this process, each numbered once: a number hashes and compares at
# once, where the kind itself (rotations, weight, rules) is walked every time. Numbers are
# never reused: beyond ``KIND_ENTRIES`` the table starts again with new ones.
KIND_ENTRIES = 200_000
_KINDS: dict[tuple[tuple[Rot, ...], int, bool, int], int] = {}
_NEXT_KIND = [0]


def kind_number(rots: tuple[Rot, ...], weight: int, fragile: bool, max_stack: int) -> int:
    """The number of the kind of unit these describe (the same for the same values)."""
    kind = (rots, weight, fragile, max_stack)
    number = _KINDS.get(kind)
    if number is None:
        if len(_KINDS) >= KIND_ENTRIES:
            _KINDS.clear()
        number = _NEXT_KIND[0]
        _NEXT_KIND[0] = number + 1
        _KINDS[kind] = number
    return number


@dataclass(slots=True, eq=False)
class PItem:
    """An item unit in solver units."""

    key: int
    rots: tuple[Rot, ...]
    weight: int
    fragile: bool = False
    max_stack: int = -1  # -1: no limit
    # everything the packer reads of the unit, numbered: units of one kind are packed alike
    kind: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.kind = kind_number(self.rots, self.weight, self.fragile, self.max_stack)

    @property
    def volume(self) -> int:
        dx, dy, dz = self.rots[0]
        return dx * dy * dz


NO_LOAD = Fraction(0)  # one shared zero (a Fraction is immutable; making one is slow)


@dataclass(slots=True, eq=False)
class Placed:
    item: PItem
    x: int
    y: int
    z: int
    dx: int
    dy: int
    dz: int
    load: Fraction = Fraction(0)
    supports: list[tuple[Placed, int]] = field(default_factory=list)
    # the far corner, read by every overlap test
    ex: int = field(init=False, repr=False)
    ey: int = field(init=False, repr=False)
    top: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.ex, self.ey, self.top = self.x + self.dx, self.y + self.dy, self.z + self.dz


def _xy_overlap(a: Placed, x: int, y: int, dx: int, dy: int) -> int:
    ox = min(a.ex, x + dx) - max(a.x, x)
    if ox <= 0:
        return 0
    oy = min(a.ey, y + dy) - max(a.y, y)
    return ox * oy if oy > 0 else 0


class Bin:
    """One open bin of inner size W x D x H with a payload weight limit."""

    __slots__ = (
        "D",
        "H",
        "W",
        "_share",
        "capacity",
        "eps",
        "has_fragile",
        "placed",
        "support",
        "track_loads",
        "volume",
        "weight",
    )

    def __init__(
        self,
        W: int,
        D: int,
        H: int,
        capacity: int,
        support: Fraction | None,
        track_loads: bool = False,
    ) -> None:
        self.W, self.D, self.H = W, D, H
        self.capacity = capacity
        self.support = support
        # the share as integers: area * den < num * base, without Fraction arithmetic per test
        self._share = (support.numerator, support.denominator) if support is not None else (0, 1)
        self.track_loads = track_loads
        self.placed: list[Placed] = []
        self.eps: list[tuple[int, int, int]] = [(0, 0, 0)]  # as (z, y, x), sorted
        self.weight = 0
        self.volume = 0
        self.has_fragile = False

    def recipe(self, position: dict[int, int]) -> Recipe:
        """This bin as plain integers (no object the garbage collector must walk): each placed
        unit by its position in the units offered (``position``: id -> position), where it is,
        what it rests on (earlier placed ones) and its load."""
        index = {id(p): n for n, p in enumerate(self.placed)}
        return (
            tuple((position[id(p.item)], p.x, p.y, p.z, p.dx, p.dy, p.dz) for p in self.placed),
            tuple(tuple((index[id(s)], a) for s, a in p.supports) for p in self.placed),
            tuple(p.load for p in self.placed) if self.track_loads else (),
            tuple(self.eps),
        )

    @classmethod
    def cooked(
        cls,
        recipe: Recipe,
        items: list[PItem],
        size: tuple[int, int, int],
        capacity: int,
        support: Fraction | None,
    ) -> Bin:
        """The bin a ``recipe`` describes, holding ``items`` (the units offered, in order)."""
        rows, supports, loads, eps = recipe
        bn = cls(*size, capacity, support, track_loads=bool(loads))
        for n, (k, x, y, z, dx, dy, dz) in enumerate(rows):
            item = items[k]
            on = [(bn.placed[j], a) for j, a in supports[n]]
            bn.placed.append(Placed(item, x, y, z, dx, dy, dz, loads[n] if loads else NO_LOAD, on))
            bn.weight += item.weight
            bn.volume += dx * dy * dz
            bn.has_fragile = bn.has_fragile or item.fragile
        bn.eps = list(eps)
        return bn

    def _fits(self, x: int, y: int, z: int, dx: int, dy: int, dz: int) -> bool:
        ex, ey, ez = x + dx, y + dy, z + dz
        if ex > self.W or ey > self.D or ez > self.H:
            return False
        for p in self.placed:
            if x < p.ex and p.x < ex and y < p.ey and p.y < ey and z < p.top and p.z < ez:
                return False
        return True

    def _supports(
        self, x: int, y: int, z: int, dx: int, dy: int
    ) -> list[tuple[Placed, int]] | None:
        """Items under the base with their contact areas; None if a rule forbids the spot."""
        out = []
        for p in self.placed:
            if p.top > z:
                continue
            area = _xy_overlap(p, x, y, dx, dy)
            if area == 0:
                continue
            if p.item.fragile:
                return None  # nothing above a fragile item
            if p.top == z:
                out.append((p, area))
        return out

    def _loads_ok(self, weight: int, supports: list[tuple[Placed, int]]) -> bool:
        added: dict[int, tuple[Placed, Fraction]] = {}
        stack: list[tuple[Placed, Fraction]] = []
        total = sum(a for _, a in supports)
        stack.extend((p, Fraction(weight * a, total)) for p, a in supports)
        while stack:
            p, w = stack.pop()
            prev = added.get(id(p))
            added[id(p)] = (p, (prev[1] if prev else Fraction(0)) + w)
            below = sum(a for _, a in p.supports)
            stack.extend((q, w * a / below) for q, a in p.supports)
        return all(
            p.item.max_stack < 0 or p.load + w <= p.item.max_stack for p, w in added.values()
        )

    def candidate(self, item: PItem, merit: Merit) -> tuple[tuple[int, ...], int, int] | None:
        """The best (merit key, ep index, rotation index) for ``item``, or None."""
        if self.weight + item.weight > self.capacity:
            return None
        best: tuple[tuple[int, ...], int, int] | None = None
        W, D, H, placed = self.W, self.D, self.H, self.placed
        # no rule beyond the geometry applies: _allowed would say yes everywhere
        free = not (
            item.fragile
            or item.max_stack >= 0
            or self.support is not None
            or self.has_fragile
            or self.track_loads
        )
        contact = merit == "contact"
        for ei, (z, y, x) in enumerate(self.eps):
            if best is not None and not contact:
                break  # points are sorted by (z, y, x): the first feasible point wins
            for ri, (dx, dy, dz) in enumerate(item.rots):
                ex, ey, ez = x + dx, y + dy, z + dz
                if ex > W or ey > D or ez > H:
                    continue
                for p in placed:  # the _fits test, inline: this loop is the packer's hot spot
                    if x < p.ex and p.x < ex and y < p.ey and p.y < ey and z < p.top and p.z < ez:
                        break  # overlaps p
                else:
                    if not (free or self._allowed(item, x, y, z, dx, dy, dz)):
                        continue
                    if merit == "dbl":
                        key: tuple[int, ...] = (z, y, x, -dx * dy)
                    elif merit == "first":
                        key = (z, y, x, ri)  # the item's own rotation order decides
                    else:
                        key = (-self._contact(x, y, z, dx, dy, dz), z, y, x)
                    if best is None or key < best[0]:
                        best = (key, ei, ri)
        return best

    def _allowed(self, item: PItem, x: int, y: int, z: int, dx: int, dy: int, dz: int) -> bool:
        if item.fragile or item.max_stack >= 0:
            # nothing may sit above a fragile unit; a unit with a stack limit may not slide under
            # something already resting at its top (its load would go untracked)
            top = z + dz
            for p in self.placed:
                if (p.z >= top if item.fragile else p.z == top) and _xy_overlap(p, x, y, dx, dy):
                    return False
        if z == 0 or (self.support is None and not self.has_fragile and not self.track_loads):
            return True  # on the floor nothing is below it: no support, fragile or load rule
        supports = self._supports(x, y, z, dx, dy)
        if supports is None:
            return False
        if z > 0 and self.support is not None:
            area = sum(a for _, a in supports)
            num, den = self._share
            if area == 0 or area * den < num * dx * dy:
                return False
        return not (self.track_loads and supports and not self._loads_ok(item.weight, supports))

    def _contact(self, x: int, y: int, z: int, dx: int, dy: int, dz: int) -> int:
        c = 0
        if x == 0 or x + dx == self.W:
            c += dy * dz
        if y == 0 or y + dy == self.D:
            c += dx * dz
        if z == 0:
            c += dx * dy
        for p in self.placed:
            if p.ex == x or x + dx == p.x:
                oy = min(p.ey, y + dy) - max(p.y, y)
                oz = min(p.top, z + dz) - max(p.z, z)
                if oy > 0 and oz > 0:
                    c += oy * oz
            if p.ey == y or y + dy == p.y:
                ox = min(p.ex, x + dx) - max(p.x, x)
                oz = min(p.top, z + dz) - max(p.z, z)
                if ox > 0 and oz > 0:
                    c += ox * oz
            if p.top == z:
                c += _xy_overlap(p, x, y, dx, dy)
        return c

    def place_at(self, item: PItem, x: int, y: int, z: int, dx: int, dy: int, dz: int) -> bool:
        """Place at a given spot if every rule allows it (used by the exact method)."""
        if (dx, dy, dz) not in item.rots or self.weight + item.weight > self.capacity:
            return False
        if not self._fits(x, y, z, dx, dy, dz) or not self._allowed(item, x, y, z, dx, dy, dz):
            return False
        self._commit(item, x, y, z, dx, dy, dz)
        return True

    def place(self, item: PItem, ei: int, ri: int) -> Placed:
        z, y, x = self.eps[ei]
        dx, dy, dz = item.rots[ri]
        return self._commit(item, x, y, z, dx, dy, dz)

    def _commit(self, item: PItem, x: int, y: int, z: int, dx: int, dy: int, dz: int) -> Placed:
        supports = (self._supports(x, y, z, dx, dy) or []) if z > 0 else []
        placed = Placed(item, x, y, z, dx, dy, dz, supports=supports)
        if self.track_loads and supports:
            total = sum(a for _, a in supports)
            stack = [(p, Fraction(item.weight * a, total)) for p, a in supports]
            while stack:
                p, w = stack.pop()
                p.load += w
                below = sum(a for _, a in p.supports)
                stack.extend((q, w * a / below) for q, a in p.supports)
        self.placed.append(placed)
        self.has_fragile = self.has_fragile or item.fragile
        self.weight += item.weight
        self.volume += dx * dy * dz
        self._update_eps(placed)
        return placed

    def _project(self, px: int, py: int, pz: int, axis: int) -> int:
        """How far the point (px, py, pz) slides toward 0 along ``axis`` before a wall or item."""
        best = 0
        if axis == 0:
            for p in self.placed:
                if best < p.ex <= px and p.y <= py < p.ey and p.z <= pz < p.top:
                    best = p.ex
        elif axis == 1:
            for p in self.placed:
                if best < p.ey <= py and p.x <= px < p.ex and p.z <= pz < p.top:
                    best = p.ey
        else:
            for p in self.placed:
                if best < p.top <= pz and p.x <= px < p.ex and p.y <= py < p.ey:
                    best = p.top
        return best

    def _update_eps(self, k: Placed) -> None:
        x, y, z, ex, ey, ez = k.x, k.y, k.z, k.ex, k.ey, k.top
        new = [
            (ex, self._project(ex, y, z, 1), z),
            (ex, y, self._project(ex, y, z, 2)),
            (self._project(x, ey, z, 0), ey, z),
            (x, ey, self._project(x, ey, z, 2)),
            (self._project(x, y, ez, 0), y, ez),
            (x, self._project(x, y, ez, 1), ez),
            (ex, y, z),
            (x, ey, z),
            (x, y, ez),
        ]
        # old points were clear of earlier items: test them against the new one only; points
        # are kept as (z, y, x), so that a plain sort puts them in (z, y, x) order
        kept = [
            (pz, py, px)
            for pz, py, px in self.eps
            if not (x <= px < ex and y <= py < ey and z <= pz < ez)
        ]
        known = set(kept)
        W, D, H = self.W, self.D, self.H
        for px, py, pz in new:
            point = (pz, py, px)
            if point in known or px >= W or py >= D or pz >= H:
                continue
            for p in self.placed:
                if p.x <= px < p.ex and p.y <= py < p.ey and p.z <= pz < p.top:
                    break  # inside p
            else:
                known.add(point)
                kept.append(point)
        kept.sort()
        self.eps = kept


def pack_sequence(
    items: list[PItem],
    W: int,
    D: int,
    H: int,
    capacity: int,
    support: Fraction | None,
    merit: Merit,
    max_bins: int | None = None,
) -> tuple[list[Bin], list[PItem]]:
    """First-fit over open bins (in opening order), opening a new bin when none takes the item;
    with ``max_bins`` reached, the item is left over."""
    track = any(i.max_stack >= 0 for i in items)
    bins: list[Bin] = []
    left: list[PItem] = []
    for item in items:
        for b in bins:
            cand = b.candidate(item, merit)
            if cand is not None:
                b.place(item, cand[1], cand[2])
                break
        else:
            if max_bins is not None and len(bins) >= max_bins:
                left.append(item)
                continue
            b = Bin(W, D, H, capacity, support, track)
            cand = b.candidate(item, merit)
            if cand is None:
                left.append(item)
                continue
            b.place(item, cand[1], cand[2])
            bins.append(b)
    return bins, left
