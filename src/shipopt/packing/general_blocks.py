"""Single-container loading with general blocks (after Fanslau and Bortfeldt, 2010, "A tree
search algorithm for solving the container loading problem", INFORMS J. Computing 22(2)).

A block is either a grid of boxes of one type in one orientation, or two blocks side by side
(along the length or the width) or one on the other, kept when the pair fills at least
``MIN_FILL`` of its bounding cuboid. Each block knows its packing area: the rectangle of its top
that boxes cover completely, the only place more boxes may stand (every box fully supported).
Blocks are made once per problem and held in numpy arrays, so the blocks that fit a free space
with the boxes left are one vector test. Free spaces are filled and split as in ``blocks``; the
search is a pilot method (each step tries the best few blocks, each completed greedily) of
growing width, until the time limit.
"""

from __future__ import annotations

import heapq
import random
import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from shipopt.packing.blocks import BoxKind, PlacedBlock, Space

Rot = tuple[int, int, int]
Area = tuple[int, int, int, int]  # x, y offset from the block's corner, length, width
Counts = tuple[tuple[int, int], ...]  # (box kind, boxes), by kind

MIN_FILL = 0.98  # a pair of blocks is a block when it fills this share of its cuboid
MIN_AREA = 0.96  # and its packing area covers this share of its top
MAX_BLOCKS = 8000  # blocks made per problem at most
MAX_SIMPLE = 4000  # of which grids of one box type at most (the largest, and every single box)
GENERATION_SHARE = 0.3  # share of the time limit that making blocks may take at most


@dataclass(frozen=True)
class Part:
    """How a block is made: a grid (``kind`` >= 0, ``rot``, ``grid``) or a pair (``first``,
    ``second`` block numbers, ``second`` placed at ``offset`` from the first's corner)."""

    kind: int
    rot: Rot = (0, 0, 0)
    grid: Rot = (0, 0, 0)
    first: int = -1
    second: int = -1
    offset: Rot = (0, 0, 0)


class Blocks:
    """Every block of a problem: sizes, packing areas, boxes used, and how each is made."""

    def __init__(self, container: Rot, kinds: list[BoxKind]) -> None:
        self.container = container
        self.kinds = kinds
        self.dims: list[Rot] = []
        self.areas: list[Area] = []
        self.counts: list[Counts] = []
        self.volumes: list[int] = []
        self.parts: list[Part] = []
        self._seen: set[tuple[Rot, Counts]] = set()

    def add(self, dims: Rot, area: Area, counts: Counts, volume: int, part: Part) -> bool:
        key = (dims, counts)
        if key in self._seen:
            return False
        self._seen.add(key)
        self.dims.append(dims)
        self.areas.append(area)
        self.counts.append(counts)
        self.volumes.append(volume)
        self.parts.append(part)
        return True

    def expand(self, block: int, x: int, y: int, z: int) -> list[PlacedBlock]:
        """The grids of one type that make ``block`` with its corner at (x, y, z)."""
        part = self.parts[block]
        if part.kind >= 0:
            return [PlacedBlock(part.kind, x, y, z, part.rot, *part.grid)]
        ox, oy, oz = part.offset
        return [
            *self.expand(part.first, x, y, z),
            *self.expand(part.second, x + ox, y + oy, z + oz),
        ]


def _merge(a: Counts, b: Counts) -> Counts:
    out = dict(a)
    for k, n in b:
        out[k] = out.get(k, 0) + n
    return tuple(sorted(out.items()))


def make_blocks(
    container: Rot, kinds: list[BoxKind], deadline: float, max_blocks: int = MAX_BLOCKS
) -> Blocks:
    """The grids of each box type, then pairs of blocks (rounds of pairs with the blocks the
    last round made) until no pair qualifies, ``max_blocks`` are made or the deadline."""
    L, W, H = container
    out = Blocks(container, kinds)
    grids: list[tuple[int, int, Rot, Rot]] = []
    for k, kind in enumerate(kinds):
        for rot in kind.rots:
            a, b, c = rot
            for nx in range(1, min(L // a, kind.count) + 1):
                for ny in range(1, min(W // b, kind.count // nx) + 1):
                    for nz in range(1, min(H // c, kind.count // (nx * ny)) + 1):
                        grids.append((nx * ny * nz * a * b * c, k, rot, (nx, ny, nz)))
    grids.sort(key=lambda g: -g[0])
    singles = [g for g in grids[MAX_SIMPLE:] if g[3] == (1, 1, 1)]
    for volume, k, rot, (nx, ny, nz) in grids[:MAX_SIMPLE] + singles:
        dims = (nx * rot[0], ny * rot[1], nz * rot[2])
        part = Part(k, rot, (nx, ny, nz))
        out.add(dims, (0, 0, dims[0], dims[1]), ((k, nx * ny * nz),), volume, part)
    fresh = list(range(len(out.dims)))
    limit = [kind.count for kind in kinds]
    while fresh and len(out.dims) < max_blocks and time.perf_counter() < deadline:
        d = np.array(out.dims, dtype=np.int64)
        ar = np.array(out.areas, dtype=np.int64)
        vol = np.array(out.volumes, dtype=np.int64)
        made: list[int] = []
        for i in fresh:
            if time.perf_counter() > deadline or len(out.dims) >= max_blocks:
                break
            made += _pairs(out, i, d, ar, vol, limit)
        fresh = made
    return out


def _pairs(
    out: Blocks,
    i: int,
    d: npt.NDArray[np.int64],
    ar: npt.NDArray[np.int64],
    vol: npt.NDArray[np.int64],
    limit: list[int],
) -> list[int]:
    """Blocks made of block ``i`` and each earlier block: ``i`` first along the length, the
    width, or under the other; or the other under ``i``."""
    L, W, H = out.container
    ax, ay, az = out.dims[i]
    area = out.areas[i]
    vi = out.volumes[i]
    made: list[int] = []
    both = vol + vi
    tries: list[tuple[str, npt.NDArray[np.intp]]] = []
    # along the length: i, then j
    sx, sy, sz = ax + d[:, 0], np.maximum(ay, d[:, 1]), np.maximum(az, d[:, 2])
    ok = (sx <= L) & (both >= MIN_FILL * sx * sy * sz)
    tries.append(("x", np.flatnonzero(ok)))
    sx, sy = np.maximum(ax, d[:, 0]), ay + d[:, 1]
    ok = (sy <= W) & (both >= MIN_FILL * sx * sy * sz)
    tries.append(("y", np.flatnonzero(ok)))
    # j on i's packing area, and i on j's
    sz = az + d[:, 2]
    ok = (d[:, 0] <= area[2]) & (d[:, 1] <= area[3]) & (sz <= H) & (both >= MIN_FILL * ax * ay * sz)
    tries.append(("z", np.flatnonzero(ok)))
    ok = (
        (ax <= ar[:, 2])
        & (ay <= ar[:, 3])
        & (sz <= H)
        & (both >= MIN_FILL * d[:, 0] * d[:, 1] * sz)
    )
    tries.append(("u", np.flatnonzero(ok)))
    for how, js in tries:
        for j in js.tolist():
            counts = _merge(out.counts[i], out.counts[j])
            if any(n > limit[k] for k, n in counts):
                continue
            first, second = (j, i) if how == "u" else (i, j)
            made_one = _pair(out, how, first, second, counts)
            if made_one is not None:
                made.append(made_one)
    return made


def _pair(out: Blocks, how: str, first: int, second: int, counts: Counts) -> int | None:
    """Add the pair (``second`` beside or on ``first``); its number, or None if already made."""
    (fx, fy, fz), (gx, gy, gz) = out.dims[first], out.dims[second]
    fa, ga = out.areas[first], out.areas[second]
    volume = out.volumes[first] + out.volumes[second]
    if how in ("z", "u"):
        offset = (fa[0], fa[1], fz)
        dims = (fx, fy, fz + gz)
        area = (ga[0] + fa[0], ga[1] + fa[1], ga[2], ga[3])
    else:
        offset = (fx, 0, 0) if how == "x" else (0, fy, 0)
        dims = (fx + gx, max(fy, gy), fz) if how == "x" else (max(fx, gx), fy + gy, fz)
        dims = (dims[0], dims[1], max(fz, gz))
        moved = (ga[0] + offset[0], ga[1] + offset[1], ga[2], ga[3])
        if fz > gz:
            area = fa
        elif gz > fz:
            area = moved
        else:
            area = _union(fa, moved) or max(fa, moved, key=lambda r: r[2] * r[3])
    if area[2] * area[3] < MIN_AREA * dims[0] * dims[1]:
        return None
    part = Part(-1, first=first, second=second, offset=offset)
    return len(out.dims) - 1 if out.add(dims, area, counts, volume, part) else None


def _union(a: Area, b: Area) -> Area | None:
    """The rectangle two adjoining rectangles make, if they make one."""
    if a[1] == b[1] and a[3] == b[3] and a[0] + a[2] == b[0]:
        return (a[0], a[1], a[2] + b[2], a[3])
    if a[0] == b[0] and a[2] == b[2] and a[1] + a[3] == b[1]:
        return (a[0], a[1], a[2], a[3] + b[3])
    return None


class Table:
    """The blocks as arrays: sizes, volumes, and boxes of each kind per block."""

    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        self.dx = np.array([d[0] for d in blocks.dims], dtype=np.int64)
        self.dy = np.array([d[1] for d in blocks.dims], dtype=np.int64)
        self.dz = np.array([d[2] for d in blocks.dims], dtype=np.int64)
        self.volume = np.array(blocks.volumes, dtype=np.int64)
        self.ax = np.array([a[2] for a in blocks.areas], dtype=np.int64)
        self.ay = np.array([a[3] for a in blocks.areas], dtype=np.int64)
        self.side = [min(min(r) for r in k.rots) for k in blocks.kinds]
        self.need = np.zeros((len(blocks.kinds), len(blocks.dims)), dtype=np.int32)
        for b, counts in enumerate(blocks.counts):
            for k, n in counts:
                self.need[k, b] = n


class GLoading:
    """A partial loading: free spaces, boxes left, blocks still possible, blocks placed."""

    def __init__(self, table: Table) -> None:
        self.table = table
        blocks = table.blocks
        self.spaces: list[tuple[int, int, int, Space]] = [(0, 0, 0, (0, 0, 0, *blocks.container))]
        self.left = [k.count for k in blocks.kinds]
        self.alive = np.ones(len(blocks.dims), dtype=bool)
        self.placed: list[tuple[Space, int]] = []
        self.volume = 0
        self.smallest = min((s for s, n in zip(table.side, self.left, strict=True) if n), default=0)

    def copy(self) -> GLoading:
        other = object.__new__(GLoading)
        other.table = self.table
        other.spaces, other.left = list(self.spaces), list(self.left)
        other.alive = self.alive.copy()
        other.placed, other.volume = list(self.placed), self.volume
        other.smallest = self.smallest
        return other

    def options(self, width: int) -> tuple[Space, list[int]] | None:
        """The next space (lowest, then nearest the back left) some block fits, with up to
        ``width`` of its blocks, best first (volume less the space it wastes: slivers thinner
        than any box left, and the top outside its packing area); spaces nothing fits are
        dropped. None when the loading is complete."""
        t = self.table
        while self.spaces:
            space = heapq.heappop(self.spaces)[3]
            _, _, _, dx, dy, dz = space
            fit = np.flatnonzero(self.alive & (t.dx <= dx) & (t.dy <= dy) & (t.dz <= dz))
            if fit.size == 0:
                continue
            vols = t.volume[fit] - _waste(
                (dx, dy, dz), t.dx[fit], t.dy[fit], t.dz[fit], t.ax[fit], t.ay[fit], self.smallest
            )
            if width == 1 or fit.size <= width:
                order = fit[np.argsort(-vols, kind="stable")][:width]
            else:
                top = np.argpartition(-vols, width - 1)[:width]
                order = fit[top[np.argsort(-vols[top], kind="stable")]]
            return space, order.tolist()
        return None

    def apply(self, space: Space, block: int) -> None:
        t = self.table
        self.placed.append((space, block))
        self.volume += int(t.volume[block])
        for k, n in t.blocks.counts[block]:
            self.left[k] -= n
            self.alive &= t.need[k] <= self.left[k]
            if not self.left[k] and t.side[k] == self.smallest:
                self.smallest = min(
                    (s for s, n in zip(t.side, self.left, strict=True) if n), default=0
                )
        for s in _split(space, t.blocks.dims[block], t.blocks.areas[block], self.smallest):
            heapq.heappush(self.spaces, (s[2], s[1], s[0], s))

    def complete(self, rng: random.Random | None = None, greed: int = 1) -> None:
        """Greedy to the end: the best block at each step, or (with ``rng``) one of the
        ``greed`` best at random."""
        while (step := self.options(greed if rng else 1)) is not None:
            space, blocks = step
            self.apply(space, rng.choice(blocks) if rng else blocks[0])

    def placed_blocks(self) -> list[PlacedBlock]:
        out: list[PlacedBlock] = []
        for (x, y, z, *_), block in self.placed:
            out += self.table.blocks.expand(block, x, y, z)
        return out


Arr = npt.NDArray[np.int64]


def _slivers(a: Arr, b: Arr, c: Arr | int, smallest: int) -> Arr:
    """Volume of the cuboids ``a x b x c`` thinner than ``smallest`` (empty ones count 0)."""
    thin = (a < smallest) | (b < smallest) | (c < smallest)
    return np.where(thin, a * b * c, 0)


def _waste(room: Rot, bx: Arr, by: Arr, bz: Arr, ax: Arr, ay: Arr, smallest: int) -> Arr:
    """Space each block wastes placed in a space of size ``room``: slivers of the better
    floor cut (see ``_split``), a sliver above, and the top outside its packing area."""
    dx, dy, dz = room
    rx, ry, rz = dx - bx, dy - by, dz - bz
    first = _slivers(rx, np.full_like(bx, dy), dz, smallest) + _slivers(bx, ry, dz, smallest)
    second = _slivers(np.full_like(bx, dx), ry, dz, smallest) + _slivers(rx, by, dz, smallest)
    above = _slivers(ax, ay, rz, smallest) + (bx * by - ax * ay) * rz
    out: Arr = np.minimum(first, second) + above
    return out


def _split(space: Space, dims: Rot, area: Area, smallest: int) -> list[Space]:
    """The residual spaces beside and in front of the block (of the two ways to cut the
    floor, the one leaving fewer slivers thinner than ``smallest``, then the one leaving the
    largest space) and above its packing area."""
    x, y, z, dx, dy, dz = space
    bx, by, bz = dims
    rx, ry = dx - bx, dy - by
    above = (x + area[0], y + area[1], z + bz, area[2], area[3], dz - bz)
    cuts = [
        [(x + bx, y, z, rx, dy, dz), (x, y + by, z, bx, ry, dz)],
        [(x, y + by, z, dx, ry, dz), (x + bx, y, z, rx, by, dz)],
    ]

    def thin(s: Space) -> int:
        return s[3] * s[4] * s[5] if min(s[3:]) < smallest else 0

    best = min(cuts, key=lambda c: (sum(thin(s) for s in c), -max(s[3] * s[4] * s[5] for s in c)))
    return [s for s in (*best, above) if s[3] > 0 and s[4] > 0 and s[5] > 0]


def pilot(table: Table, width: int, deadline: float) -> GLoading:
    """Each step tries the ``width`` largest blocks, completing the loading greedily after each,
    and keeps the one whose completion loads the most; the best completion seen is returned
    (greedy steps only once the deadline passes)."""
    loading = GLoading(table)
    best = loading
    while (step := loading.options(width)) is not None:
        space, blocks = step
        if time.perf_counter() > deadline:
            loading.apply(space, blocks[0])
            continue
        choice, choice_volume = blocks[0], -1
        for block in blocks:
            if time.perf_counter() > deadline and choice_volume >= 0:
                break
            trial = loading.copy()
            trial.apply(space, block)
            trial.complete()
            if trial.volume > choice_volume:
                choice, choice_volume = block, trial.volume
            if trial.volume > best.volume:
                best = trial
        loading.apply(space, choice)
    return loading if loading.volume > best.volume else best


def best_loading(
    container: Rot, kinds: list[BoxKind], time_limit: float, seed: int = 0
) -> tuple[int, list[PlacedBlock]]:
    """The most loaded volume found within ``time_limit`` seconds and its blocks (grids of one
    box type, corners absolute): blocks made, a greedy loading, pilot runs of width 2, 4, 8, ...
    and, should the widths run out (few blocks), seeded randomized greedy loadings."""
    started = time.perf_counter()
    deadline = started + time_limit
    blocks = make_blocks(container, kinds, started + GENERATION_SHARE * time_limit)
    if not blocks.dims:
        return 0, []  # no box fits the container
    table = Table(blocks)
    best = GLoading(table)
    best.complete()
    one_load = time.perf_counter() - started
    width = 2
    while time.perf_counter() < deadline and width < 2 * len(blocks.dims):
        trial = pilot(table, width, deadline)
        if trial.volume > best.volume:
            best = trial
        width *= 2
    rng = random.Random(seed)
    while time.perf_counter() + one_load < deadline:
        trial = GLoading(table)
        trial.complete(rng, rng.choice((2, 3, 4)))
        if trial.volume > best.volume:
            best = trial
    return best.volume, best.placed_blocks()
