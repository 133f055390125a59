"""Single-container loading with blocks of identical boxes (after the simple-block idea of
Fanslau and Bortfeldt, 2010): the free space nearest the container's back-bottom-left corner is
filled with a block of ``nx x ny x nz`` boxes of one type in one orientation, the rest of the
space is split into three residual cuboids, and so on. The carton fills use it for units that
repeat; a whole container is loaded with general blocks (``general_blocks``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Rot = tuple[int, int, int]


@dataclass(frozen=True)
class BoxKind:
    """A box type: the extents it may take (its allowed orientations) and how many there are."""

    rots: tuple[Rot, ...]
    count: int


@dataclass(frozen=True)
class PlacedBlock:
    kind: int
    x: int
    y: int
    z: int
    rot: Rot
    nx: int
    ny: int
    nz: int

    @property
    def boxes(self) -> int:
        return self.nx * self.ny * self.nz

    @property
    def volume(self) -> int:
        return self.boxes * self.rot[0] * self.rot[1] * self.rot[2]

    def cells(self) -> list[tuple[int, int, int, int, int, int]]:
        """Each box of the block as x, y, z and its extents."""
        a, w, h = self.rot
        return [
            (self.x + i * a, self.y + j * w, self.z + k * h, a, w, h)
            for i in range(self.nx)
            for j in range(self.ny)
            for k in range(self.nz)
        ]


Space = tuple[int, int, int, int, int, int]  # x, y, z, dx, dy, dz


def first_blocks(
    container: tuple[int, int, int], kinds: list[BoxKind], limit: int
) -> list[PlacedBlock]:
    """The ``limit`` largest distinct blocks that could start a loading at the origin."""
    options = _candidates((0, 0, 0, *container), kinds, [k.count for k in kinds])
    return [b for _, b in sorted(options, key=lambda t: -t[0])[:limit]]


def _candidates(
    space: Space, kinds: list[BoxKind], left: list[int]
) -> list[tuple[int, PlacedBlock]]:
    x, y, z, dx, dy, dz = space
    out = []
    seen: set[PlacedBlock] = set()
    for k, kind in enumerate(kinds):
        if left[k] == 0:
            continue
        for rot in kind.rots:
            a, b, c = rot
            mx, my, mz = dx // a, dy // b, dz // c
            if not (mx and my and mz):
                continue
            n = left[k]
            # fill x, then y, then z (and the other way round) within the count available
            for first in ("xyz", "zyx", "yxz"):
                sizes = {"x": mx, "y": my, "z": mz}
                got = {"x": 1, "y": 1, "z": 1}
                remaining = n
                for axis in first:
                    other = got["x"] * got["y"] * got["z"] // got[axis]
                    got[axis] = max(1, min(sizes[axis], remaining // other))
                block = PlacedBlock(k, x, y, z, rot, got["x"], got["y"], got["z"])
                if block.boxes <= n and block not in seen:
                    seen.add(block)
                    out.append((block.volume, block))
    return out


def _split(space: Space, block: PlacedBlock, top_cut: bool = False) -> list[Space]:
    """The residual spaces beside, in front of and above the block: of the two ways to cut the
    floor (and, with ``top_cut``, also the two with the space above spanning the whole top,
    which may leave things there unsupported), the one leaving the largest single space."""
    x, y, z, dx, dy, dz = space
    bx, by, bz = block.nx * block.rot[0], block.ny * block.rot[1], block.nz * block.rot[2]
    rx, ry, rz = dx - bx, dy - by, dz - bz
    above = (x, y, z + bz, bx, by, rz)
    cuts = [
        [(x + bx, y, z, rx, dy, dz), (x, y + by, z, bx, ry, dz), above],
        [(x, y + by, z, dx, ry, dz), (x + bx, y, z, rx, by, dz), above],
    ]
    if top_cut:
        top = (x, y, z + bz, dx, dy, rz)
        cuts += [
            [(x + bx, y, z, rx, dy, bz), (x, y + by, z, bx, ry, bz), top],
            [(x, y + by, z, dx, ry, bz), (x + bx, y, z, rx, by, bz), top],
        ]
    best = max(cuts, key=lambda c: max(s[3] * s[4] * s[5] for s in c))
    return [s for s in best if s[3] > 0 and s[4] > 0 and s[5] > 0]


def _waste(space: Space, block: PlacedBlock, smallest: int, top_cut: bool) -> int:
    """Volume of the residual spaces too thin for any box left."""
    return sum(
        s[3] * s[4] * s[5]
        for s in _split(space, block, top_cut)
        if min(s[3], s[4], s[5]) < smallest
    )


class _Loading:
    """A partial loading: free spaces, boxes left per kind, blocks placed, volume loaded."""

    def __init__(self, container: tuple[int, int, int], kinds: list[BoxKind], top_cut: bool):
        self.kinds, self.top_cut = kinds, top_cut
        self.spaces: list[Space] = [(0, 0, 0, *container)]
        self.left = [k.count for k in kinds]
        self.placed: list[PlacedBlock] = []
        self.volume = 0

    def copy(self) -> _Loading:
        other = object.__new__(_Loading)
        other.kinds, other.top_cut = self.kinds, self.top_cut
        other.spaces, other.left = list(self.spaces), list(self.left)
        other.placed, other.volume = list(self.placed), self.volume
        return other

    def options(self) -> tuple[Space, list[PlacedBlock]] | None:
        """The next space (lowest, then nearest the back left) that some block fits, with its
        blocks best first (volume less the slivers they leave); spaces nothing fits are
        dropped. None when the loading is complete."""
        while self.spaces:
            self.spaces.sort(key=lambda s: (s[2], s[1], s[0]))
            space = self.spaces.pop(0)
            smallest = min(
                (
                    min(min(r) for r in k.rots)
                    for k, n in zip(self.kinds, self.left, strict=True)
                    if n
                ),
                default=0,
            )
            scored = sorted(
                (
                    (vol - _waste(space, b, smallest, self.top_cut), b)
                    for vol, b in _candidates(space, self.kinds, self.left)
                ),
                key=lambda t: -t[0],
            )
            if scored:
                return space, [b for _, b in scored]
        return None

    def apply(self, space: Space, block: PlacedBlock) -> None:
        self.placed.append(block)
        self.left[block.kind] -= block.boxes
        self.volume += block.volume
        self.spaces += _split(space, block, self.top_cut)

    def complete(self, rng: random.Random, greed: int) -> None:
        while (step := self.options()) is not None:
            space, blocks = step
            self.apply(
                space, blocks[rng.randrange(min(greed, len(blocks)))] if greed > 1 else blocks[0]
            )


def load(
    container: tuple[int, int, int],
    kinds: list[BoxKind],
    rng: random.Random,
    greed: int,
    top_cut: bool = False,
    first: PlacedBlock | None = None,
) -> tuple[int, list[PlacedBlock]]:
    """One greedy loading; each step picks among the ``greed`` largest blocks at random
    (``first``: the block that starts the loading at the origin)."""
    loading = _Loading(container, kinds, top_cut)
    if first is not None:
        step = loading.options()
        if step is not None:
            loading.apply(step[0], first)
    loading.complete(rng, greed)
    return loading.volume, loading.placed
