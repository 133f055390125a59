"""The Bischoff-Ratcliff generator reproduces OR-Library's BR files from their seeds."""

import pytest

from shipopt.packing.br_generator import CONTAINER, br_class, br_loading, seed_of
from shipopt.packing.instances import read_thpack
from shipopt.settings import Settings

DATA = Settings().data  # SHIPOPT_DATA
TYPES = {0: 1, 1: 3, 2: 5, 3: 8, 4: 10, 5: 12, 6: 15, 7: 20}


@pytest.mark.skipif(not (DATA / "packing" / "br").is_dir(), reason="SHIPOPT_DATA has no BR sets")
@pytest.mark.parametrize("set_number", sorted(TYPES))
def test_the_published_sets_come_out_exactly(set_number: int) -> None:
    published = read_thpack(DATA / "packing" / "br" / f"BR{set_number}.txt")
    for problem, loading in enumerate(published, 1):
        made = br_loading(TYPES[set_number], seed_of(problem))
        assert (made.container, made.kinds) == (loading.container, loading.kinds), problem


def test_cargo_fills_the_container_without_exceeding_it() -> None:
    room = CONTAINER[0] * CONTAINER[1] * CONTAINER[2]
    for loading in br_class(100, 5):
        assert len(loading.kinds) == 100
        cargo = sum(k.dims[0] * k.dims[1] * k.dims[2] * k.quantity for k in loading.kinds)
        largest = max(k.dims[0] * k.dims[1] * k.dims[2] for k in loading.kinds)
        assert room - largest < cargo <= room  # drawing stops at the first box that overflows
        for k in loading.kinds:
            assert 20 <= k.dims[2] <= k.dims[1] <= k.dims[0] <= 120 and k.vertical[2]
            assert k.rotations()
