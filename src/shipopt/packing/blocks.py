"""Single-container loading with blocks of identical boxes (after the simple-block idea of
Fanslau and Bortfeldt, 2010): the free space nearest the container's back-bottom-left corner is
filled with a block of ``nx x ny x nz`` boxes of one type in one orientation, the rest of the
space is split into three residual cuboids, and so on. Randomized greedy starts (seeded) keep the
loading with the most volume. Suits loads with few box types and many copies (pallets, trailers).
"""

from __future__ import annotations

import random
import time
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


Space = tuple[int, int, int, int, int, int]  # x, y, z, dx, dy, dz
PILOT_MAX_WIDTH = 16


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


def pilot_loading(
    container: tuple[int, int, int], kinds: list[BoxKind], width: int, deadline: float
) -> tuple[int, list[PlacedBlock]]:
    """Pilot method: at each step, each of the ``width`` best blocks is tried by completing the
    loading greedily, and the one whose completion loads the most is kept. Returns the best
    complete loading seen (greedy completion once the deadline passes)."""
    rng = random.Random(0)
    loading = _Loading(container, kinds, False)
    best: tuple[int, list[PlacedBlock]] = (-1, [])
    while (step := loading.options()) is not None:
        space, blocks = step
        if time.perf_counter() > deadline:
            loading.apply(space, blocks[0])
            continue
        choice, choice_volume = blocks[0], -1
        for block in blocks[:width]:
            if time.perf_counter() > deadline and choice_volume >= 0:
                break
            trial = loading.copy()
            trial.apply(space, block)
            trial.complete(rng, 1)
            if trial.volume > choice_volume:
                choice, choice_volume = block, trial.volume
            if trial.volume > best[0]:
                best = (trial.volume, trial.placed)
        loading.apply(space, choice)
    if loading.volume > best[0]:
        best = (loading.volume, loading.placed)
    return best


def best_loading(
    container: tuple[int, int, int], kinds: list[BoxKind], time_limit: float, seed: int = 0
) -> tuple[int, list[PlacedBlock]]:
    """The most loaded volume: a greedy start, then pilot runs of growing width, then seeded
    randomized greedy starts while time remains."""
    rng = random.Random(seed)
    started = time.perf_counter()
    deadline = started + time_limit
    best = load(container, kinds, rng, 1)
    one_load = time.perf_counter() - started  # so that the last start ends within the limit
    width = 2
    while time.perf_counter() < deadline and width <= PILOT_MAX_WIDTH:
        # a pilot step may finish its trials past the deadline: keep a small margin
        trial = pilot_loading(container, kinds, width, deadline - 0.05 * time_limit)
        if trial[0] > best[0]:
            best = trial
        width *= 2
    while time.perf_counter() + one_load < deadline:
        trial = load(container, kinds, rng, rng.choice((2, 3, 4)))
        if trial[0] > best[0]:
            best = trial
    return best
