"""Units are numbered by kind (what the packer reads of them), for the one-box fill memo."""

from pytest import MonkeyPatch

from shipopt.packing import extreme_points_core as core
from shipopt.packing.extreme_points import PItem, rotations


def test_units_of_one_kind_share_a_number_and_other_kinds_do_not() -> None:
    box = rotations(3, 2, 1, "any")
    same = [PItem(k, rotations(3, 2, 1, "any"), 500) for k in range(3)]
    assert len({u.kind for u in same}) == 1
    others = [
        PItem(9, box, 501),
        PItem(9, box, 500, fragile=True),
        PItem(9, box, 500, max_stack=10),
        PItem(9, rotations(3, 2, 1, "upright"), 500),
    ]
    assert len({u.kind for u in [same[0], *others]}) == 5


def test_numbers_are_never_reused_when_the_table_starts_again(monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(core, "KIND_ENTRIES", 3)
    core._KINDS.clear()
    seen = [core.kind_number(((n, 1, 1),), 1, False, -1) for n in range(10)]
    assert len(set(seen)) == 10 and len(core._KINDS) <= 3
    again = core.kind_number(((0, 1, 1),), 1, False, -1)  # forgotten: a new number
    assert again not in seen
