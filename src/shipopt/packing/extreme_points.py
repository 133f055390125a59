"""The extreme-point packer (see ``extreme_points_core``): compiled when the native core is
built and current (``shipopt.packing.native``), else as Python; both run the same source.
Every module takes the packer's types from here, so that they never mix the two."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shipopt.packing.extreme_points_core import Merit, Recipe, Rot

COMPILED: bool  # the compiled core runs
if TYPE_CHECKING:
    from shipopt.packing.extreme_points_core import Bin, PItem, Placed, pack_sequence, rotations
else:
    from shipopt.packing.native import core

    _core = core()
    Bin, Placed, PItem = _core.Bin, _core.Placed, _core.PItem
    pack_sequence, rotations = _core.pack_sequence, _core.rotations
    COMPILED = _core.__name__ != "shipopt.packing.extreme_points_core"

__all__ = [
    "COMPILED",
    "Bin",
    "Merit",
    "PItem",
    "Placed",
    "Recipe",
    "Rot",
    "pack_sequence",
    "rotations",
]
