"""One-box fills remembered by what they depend on: the box's size, payload and support rule,
the merit, and the kinds of the units offered, in order (``PItem.kind``). The extreme-point
fill reads nothing else, so an answer found for one set of units serves any other set of the
same kinds in the same order: the restarts of one cartonization ask the same fills again, and
the baskets of a day share many (one memo per plan process). Answers are kept as plain
integers (``Bin.recipe``), so a large memo costs the garbage collector nothing."""

from __future__ import annotations

from collections import OrderedDict
from fractions import Fraction

from shipopt.packing.extreme_points import Bin, Merit, PItem, Recipe, pack_sequence

FILL_MEMO_ENTRIES = 50_000  # the least recently used go first beyond this

_Key = tuple[object, ...]
_Answer = tuple[Recipe | None, tuple[int, ...]]  # the bin (None: nothing fits), left positions


class FillMemo:
    """``fill`` answers by key, the least recently used dropped beyond ``entries``."""

    def __init__(self, entries: int = FILL_MEMO_ENTRIES) -> None:
        self.entries = entries
        # ordered by last use; an OrderedDict moves and drops in O(1) (a dict popped from the
        # front makes every later ``next(iter(...))`` walk the holes left there)
        self._answers: OrderedDict[_Key, _Answer] = OrderedDict()
        self.hits = self.misses = 0

    def fill(
        self,
        items: list[PItem],
        size: tuple[int, int, int],
        capacity: int,
        support: Fraction | None,
        merit: Merit,
    ) -> tuple[Bin | None, list[PItem]]:
        """One box of inner ``size`` filled from ``items`` in order (``pack_sequence`` with one
        bin): the box (None if nothing fits) and the units left, in order."""
        share = None if support is None else (support.numerator, support.denominator)
        key = (size, capacity, share, merit, tuple(i.kind for i in items))  # no Fraction hash
        answer = self._answers.get(key)
        if answer is not None:
            self.hits += 1
            self._answers.move_to_end(key)  # most recently used last
            recipe, left = answer
            bn = Bin.cooked(recipe, items, size, capacity, support) if recipe else None
            return bn, [items[k] for k in left]
        self.misses += 1
        bins, rest = pack_sequence(items, *size, capacity, support, merit, max_bins=1)
        position = {id(item): n for n, item in enumerate(items)}
        bn = bins[0] if bins else None
        self._answers[key] = (
            bn.recipe(position) if bn is not None else None,
            tuple(position[id(i)] for i in rest),
        )
        if len(self._answers) > self.entries:
            self._answers.popitem(last=False)
        return bn, rest
