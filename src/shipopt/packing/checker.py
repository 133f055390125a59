"""An independent geometry checker for packings (kept apart from the packer's own code).

It takes boxes as plain tuples and reports every violation: outside the box, overlapping,
an orientation the item does not allow, over the weight limit, floating or under-supported,
something above a fragile item.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from itertools import permutations

from shipopt.domain.packing import PackRequest, PackResult


@dataclass(frozen=True)
class CheckItem:
    """One placed unit: position, placed extents, and the item's own size and rules."""

    name: str
    x: int
    y: int
    z: int
    dx: int
    dy: int
    dz: int
    size: tuple[int, int, int]  # length, width, height as given
    weight: int
    orientation: str = "any"
    fragile: bool = False
    max_stack: int | None = None


def allowed_extents(size: tuple[int, int, int], orientation: str) -> set[tuple[int, int, int]]:
    l, w, h = size
    if orientation == "fixed":
        return {(l, w, h)}
    if orientation == "upright":
        return {(l, w, h), (w, l, h)}
    return {(a, b, c) for a, b, c in permutations((l, w, h))}


def check_box(
    inner: tuple[int, int, int], max_payload: int, items: list[CheckItem], support: Fraction | None
) -> list[str]:
    """Every rule broken in one box, as messages (empty when the packing is valid)."""
    W, D, H = inner
    errors = []
    if sum(i.weight for i in items) > max_payload:
        errors.append(f"payload {sum(i.weight for i in items)} over the limit {max_payload}")
    for it in items:
        if min(it.x, it.y, it.z) < 0 or it.x + it.dx > W or it.y + it.dy > D or it.z + it.dz > H:
            errors.append(f"{it.name} sticks out of the box")
        if (it.dx, it.dy, it.dz) not in allowed_extents(it.size, it.orientation):
            errors.append(
                f"{it.name} placed as {(it.dx, it.dy, it.dz)}, not allowed ({it.orientation})"
            )
    for a_i, a in enumerate(items):
        for b in items[a_i + 1 :]:
            if (
                a.x < b.x + b.dx
                and b.x < a.x + a.dx
                and a.y < b.y + b.dy
                and b.y < a.y + a.dy
                and a.z < b.z + b.dz
                and b.z < a.z + a.dz
            ):
                errors.append(f"{a.name} overlaps {b.name}")
    for it in items:
        base = 0
        for other in items:
            if other is it:
                continue
            ox = min(it.x + it.dx, other.x + other.dx) - max(it.x, other.x)
            oy = min(it.y + it.dy, other.y + other.dy) - max(it.y, other.y)
            if ox <= 0 or oy <= 0:
                continue
            if other.fragile and other.z + other.dz <= it.z:
                errors.append(f"{it.name} is above fragile {other.name}")
            if other.z + other.dz == it.z:
                base += ox * oy
        if support is not None and it.z > 0 and (base == 0 or base < support * it.dx * it.dy):
            errors.append(f"{it.name} is not supported ({base} of {it.dx * it.dy} base area)")
    errors += _stack_loads(items)
    return errors


def _stack_loads(items: list[CheckItem]) -> list[str]:
    """Each unit passes its weight and its load to the units under it, by contact area."""
    load = {id(i): Fraction(0) for i in items}
    for it in sorted(items, key=lambda i: -i.z):
        under = []
        for other in items:
            if other is not it and other.z + other.dz == it.z:
                ox = min(it.x + it.dx, other.x + other.dx) - max(it.x, other.x)
                oy = min(it.y + it.dy, other.y + other.dy) - max(it.y, other.y)
                if ox > 0 and oy > 0:
                    under.append((other, ox * oy))
        total = sum(a for _, a in under)
        for other, area in under:
            load[id(other)] += (it.weight + load[id(it)]) * Fraction(area, total)
    return [
        f"{i.name} carries {float(load[id(i)]):.0f}, over its limit {i.max_stack}"
        for i in items
        if i.max_stack is not None and load[id(i)] > i.max_stack
    ]


def check_pack_result(request: PackRequest, result: PackResult) -> list[str]:
    """Every problem with a cartonization result: geometry in every box (in nanometres), every
    unit of every line exactly once (packed or unpacked), gross weights, stock limits."""
    errors: list[str] = []
    lines = {it.sku: it for it in request.items}
    seen: dict[tuple[str, int], int] = {}
    boxes = {b.name: b for b in request.boxes}
    support = Fraction(request.options.support) if request.options.support is not None else None
    used: dict[str, int] = {}
    for n, packed in enumerate(result.boxes):
        for pl in packed.placements:
            seen[(pl.sku, pl.unit)] = seen.get((pl.sku, pl.unit), 0) + 1
        if packed.box == "OWN_PACKAGING":
            if len(packed.placements) != 1 or not lines[packed.placements[0].sku].ships_alone:
                errors.append(
                    f"box {n}: own packaging holds something other than one ships-alone unit"
                )
            continue
        box = boxes.get(packed.box)
        if box is None:
            errors.append(f"box {n}: unknown box type {packed.box}")
            continue
        used[box.name] = used.get(box.name, 0) + 1
        items = []
        for pl in packed.placements:
            it = lines[pl.sku]
            if it.ships_alone:
                errors.append(f"box {n}: {pl.sku} ships alone but is in a box")
            d = it.dimensions
            items.append(
                CheckItem(
                    f"{pl.sku}#{pl.unit}",
                    pl.x.nm,
                    pl.y.nm,
                    pl.z.nm,
                    pl.length.nm,
                    pl.width.nm,
                    pl.height.nm,
                    (d.length.nm, d.width.nm, d.height.nm),
                    it.weight.ng,
                    it.orientation,
                    it.fragile,
                    it.max_stack_weight.ng if it.max_stack_weight is not None else None,
                )
            )
        inner = (box.inner.length.nm, box.inner.width.nm, box.inner.height.nm)
        payload = box.max_gross_weight.ng - box.tare_weight.ng
        errors += [f"box {n} ({box.name}): {e}" for e in check_box(inner, payload, items, support)]
        gross = box.tare_weight.ng + sum(i.weight for i in items)
        if gross != packed.gross_weight.ng:
            errors.append(f"box {n}: gross weight {packed.gross_weight.ng} should be {gross}")
    for u in result.unpacked:
        seen[(u.sku, u.unit)] = seen.get((u.sku, u.unit), 0) + 1
    for it in request.items:
        for unit in range(it.quantity):
            count = seen.pop((it.sku, unit), 0)
            if count != 1:
                errors.append(f"{it.sku}#{unit} appears {count} times")
    errors += [f"{sku}#{unit} is not in the request" for sku, unit in seen]
    for name, count in used.items():
        stock = boxes[name].stock
        if stock is not None and count > stock:
            errors.append(f"{count} boxes of {name} used, {stock} in stock")
    return errors
