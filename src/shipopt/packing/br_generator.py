"""The Bischoff-Ratcliff container-loading generator (Bischoff and Ratcliff, 1995, "Issues in
the development of approaches to container loading", Omega 23(4); used with 30 to 100 box
types by Davies and Bischoff, 1999): box types with random sides, as many boxes as fit the
container's volume, drawn with the Park-Miller "minimal standard" generator. The BR1-BR7 files
of OR-Library are reproduced exactly from their seeds (tested).
"""

from __future__ import annotations

from shipopt.packing.instances import BoxKind, Loading

CONTAINER = (587, 233, 220)  # every BR problem's container
LOWER = (30, 25, 20)  # smallest length, width, height of a box
UPPER = (120, 100, 80)  # largest
STABILITY = 2  # a side may stand vertical when it is under twice the smallest side
DISCARDED = 10  # random numbers thrown away after seeding
MODULUS = 2**31 - 1
MULTIPLIER = 16807


def seed_of(problem: int) -> int:
    """The seed OR-Library's BR files give problem ``problem`` (1-based) of every class."""
    return 2502505 + 100 * (problem - 1)


def br_loading(types: int, seed: int, name: str = "") -> Loading:
    """One problem with ``types`` box types from ``seed``."""
    state = seed

    def real() -> float:
        nonlocal state
        state = MULTIPLIER * state % MODULUS
        return state / MODULUS

    for _ in range(DISCARDED):
        real()
    dims: list[tuple[int, int, int]] = []
    for _ in range(types):
        sides = sorted(
            (lo + int(real() * (hi - lo + 1)) for lo, hi in zip(LOWER, UPPER, strict=True)),
            reverse=True,
        )
        dims.append((sides[0], sides[1], sides[2]))
    volumes = [a * b * c for a, b, c in dims]
    counts = [1] * types
    room = CONTAINER[0] * CONTAINER[1] * CONTAINER[2]
    cargo = sum(volumes)
    while True:
        k = int(real() * types)
        if cargo + volumes[k] > room:
            break
        counts[k] += 1
        cargo += volumes[k]
    kinds = [
        BoxKind(d, (d[0] < STABILITY * d[2], d[1] < STABILITY * d[2], True), n)
        for d, n in zip(dims, counts, strict=True)
    ]
    return Loading(name or f"BR{types}t-{seed}", CONTAINER, kinds)


def br_class(types: int, problems: int) -> list[Loading]:
    """The first ``problems`` problems with ``types`` box types, on the BR files' seeds."""
    return [br_loading(types, seed_of(p), f"BR{types}t-{p}") for p in range(1, problems + 1)]
