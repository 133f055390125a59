"""Cartonization: choose boxes from a catalog and place every item unit in 3D.

``cartonize`` reads as its steps: the catalog in solver units, the units (those no box can take
listed as unpacked), restarts of construction (``construction``) from several start orders
(``starts``) each followed by improvement (``improvement``), a last try for fewer boxes, and the
answer in the request's units, priced on the one service that ships every box cheapest.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from shipopt.domain.packing import (
    PackedBox,
    PackRequest,
    PackResult,
    Placement,
    UnpackedItem,
    UnpackedReason,
)
from shipopt.packing.catalog import (
    Catalog,
    Packed,
    PriceMemo,
    Pricer,
    ServicePrices,
    Unit,
    as_pitem,
    box_lower_bound,
    fits_some_box,
    one_service_total,
    scale,
)
from shipopt.packing.construction import EXACT_UNITS, Search
from shipopt.packing.extreme_points import Bin, PItem
from shipopt.packing.fill_memo import FillMemo
from shipopt.packing.improvement import REPARTITIONS, empty_boxes, improve, repartition
from shipopt.packing.starts import start_orders
from shipopt.units import Length, Mass

OWN_PACKAGING = "OWN_PACKAGING"
OUTPUT_SECONDS_PER_UNIT = 25e-6  # building the answer, per unit


def cartonize(
    request: PackRequest,
    pricer: Pricer | None = None,
    price_memo: PriceMemo | None = None,
    fill_memo: FillMemo | None = None,
) -> PackResult:
    """Pack every unit of the request; never drops one (units that cannot go in any box are
    listed as unpacked with the reason). ``price_memo``: box cost plus shipping by (box index,
    payload), kept by a caller that packs many requests with the same boxes and pricer;
    ``fill_memo``: one-box fills, kept by a caller that packs many requests (any boxes)."""
    started = time.perf_counter()
    opts = request.options
    by_cost = opts.objective == "cost" or (opts.objective == "auto" and pricer is not None)
    if opts.objective == "cost" and pricer is None:
        raise ValueError("objective 'cost' needs a pricing function")
    g = scale(request)
    catalog = _catalog(request, g, pricer if by_cost else None, price_memo)
    units = _units(request, catalog, g)
    search = Search(
        catalog,
        Fraction(opts.support) if opts.support is not None else None,
        by_cost,
        [b.stock for b in request.boxes],
        opts.exact_check,
        opts.extra_fills,
        fill_memo,
    )
    # the search stops early enough to leave time for building the answer (about 25 us a unit)
    search.deadline = (
        started
        + opts.time_limit
        - min(OUTPUT_SECONDS_PER_UNIT * len(units.items), opts.time_limit / 2)
    )
    best, left, starts = Packed([]), list[PItem](), 0
    rng = random.Random(opts.seed)
    if units.items:
        best, left, starts = _restarts(search, units.items, request, started, rng)
        if not left:
            best = _fewer_boxes(search, best, units.items, request, rng)
    unpacked = units.unpacked + _not_placed(left, units.units, request)
    boxes = [_packed_box(catalog, b, bn, units.units, g) for b, bn in best.boxes]
    boxes += [_own_box(u) for u in units.alone]
    prices = None if pricer is None else _box_prices(catalog, best, boxes, pricer)
    boxes, total_shipping = _priced(boxes, prices)
    return PackResult(
        boxes=boxes,
        unpacked=sorted(unpacked, key=lambda u: (u.sku, u.unit)),
        objective="cost" if by_cost else "boxes",
        total_box_cost=sum((bx.box_cost for bx in boxes), Decimal(0)),
        total_shipping_cost=total_shipping,
        starts=starts,
        seconds=round(time.perf_counter() - started, 4),
    )


def _catalog(
    request: PackRequest, g: int, pricer: Pricer | None, price_memo: PriceMemo | None
) -> Catalog:
    """The request's boxes in solver units (lengths / ``g``); priced when ``pricer`` is set."""
    dims = [
        (b.inner.length.nm // g, b.inner.width.nm // g, b.inner.height.nm // g)
        for b in request.boxes
    ]
    return Catalog(
        boxes=list(request.boxes),
        dims=dims,
        capacity=[b.max_gross_weight.ng - b.tare_weight.ng for b in request.boxes],
        volume=[w * d * h for w, d, h in dims],
        pricer=pricer,
        _prices={} if price_memo is None or pricer is None else price_memo,
    )


@dataclass
class _Units:
    """Every unit of the request: those to pack (``items``, keyed by index into ``units``),
    those shipping alone, and those no box could take."""

    units: list[Unit] = field(default_factory=list)
    items: list[PItem] = field(default_factory=list)
    alone: list[Unit] = field(default_factory=list)
    unpacked: list[UnpackedItem] = field(default_factory=list)


def _units(request: PackRequest, catalog: Catalog, g: int) -> _Units:
    out = _Units()
    usable = [b for b, box in enumerate(request.boxes) if box.stock is None or box.stock > 0]
    every = list(range(len(request.boxes)))
    for line in request.items:
        for u in range(line.quantity):
            unit = Unit(line.sku, u, line)
            if line.ships_alone:
                out.alone.append(unit)
                continue
            p = as_pitem(len(out.units), line, g)
            out.units.append(unit)
            reason = fits_some_box(p, catalog, usable)
            stocked_out = len(usable) < len(every) and fits_some_box(p, catalog, every) is None
            if reason is not None and stocked_out:  # a box would take it: none is left
                reason = UnpackedReason.OUT_OF_STOCK
            if reason is None:
                out.items.append(p)
            else:
                message = _why(reason, len(request.boxes))
                out.unpacked.append(
                    UnpackedItem(sku=line.sku, unit=u, reason=reason, message=message)
                )
    return out


def _restarts(
    search: Search, items: list[PItem], request: PackRequest, started: float, rng: random.Random
) -> tuple[Packed, list[PItem], int]:
    """Construction then improvement from each start order, within three quarters of the time
    limit (at least one start); the best packing, the units it left, and the starts made."""
    opts = request.options
    catalog, by_cost = search.catalog, search.by_cost
    usable = [b for b, box in enumerate(request.boxes) if box.stock is None or box.stock > 0]
    floor = box_lower_bound(items, catalog, usable)
    restarts_end = started + 0.75 * opts.time_limit
    best: Packed | None = None
    best_left: list[PItem] = []
    starts = 0
    for n, (order, merit) in enumerate(start_orders(items, rng, opts.max_starts, by_cost)):
        if starts and time.perf_counter() > restarts_end:
            break
        packed, left = search.construct(order, merit, by_ratio=by_cost and n % 2 == 1)
        packed = improve(search, packed, search.deadline)
        starts += 1
        cand = (len(left), packed.key(catalog, by_cost))
        if best is None or cand < (len(best_left), best.key(catalog, by_cost)):
            best, best_left = packed, left
        if not by_cost and not best_left and len(best.boxes) <= floor:
            break  # the box count meets its lower bound; later starts could only trim volume
        if len(items) == 1 and not best_left:
            break  # one unit: the downsizing already tried every box type in rank order
    assert best is not None
    return best, best_left, starts


def _fewer_boxes(
    search: Search, best: Packed, items: list[PItem], request: PackRequest, rng: random.Random
) -> Packed:
    """A complete packing above the box lower bound: re-split, merge shuffled pairs, and for a
    few units the best single box."""
    opts = request.options
    usable = [b for b, box in enumerate(request.boxes) if box.stock is None or box.stock > 0]
    floor = max(1, box_lower_bound(items, search.catalog, usable))
    if opts.extra_fills and len(best.boxes) > floor:
        best = repartition(search, best, search.deadline, rng, min(REPARTITIONS, opts.max_starts))
    if len(best.boxes) > floor:
        best = empty_boxes(search, best, search.deadline, rng, opts.max_starts)
    if len(items) <= EXACT_UNITS and len(best.boxes) > 1:
        single = search.best_single(items)
        if single is not None and Packed([single]).key(search.catalog, search.by_cost) < best.key(
            search.catalog, search.by_cost
        ):
            best = Packed([single])
    return best


def _not_placed(left: list[PItem], units: list[Unit], request: PackRequest) -> list[UnpackedItem]:
    """The units the search could not place: out of stock when stock is limited, else not placed."""
    limited = any(b.stock is not None for b in request.boxes)
    reason = UnpackedReason.OUT_OF_STOCK if limited else UnpackedReason.NOT_PLACED
    message = "boxes in stock ran out" if limited else "no box arrangement found for this unit"
    return [
        UnpackedItem(sku=units[p.key].sku, unit=units[p.key].unit, reason=reason, message=message)
        for p in left
    ]


def _box_prices(
    catalog: Catalog, best: Packed, boxes: list[PackedBox], pricer: Pricer
) -> list[ServicePrices]:
    """Each box's shipping on every service: the catalog's boxes (the first ones) through its
    memo when it prices (the same pricer: the same answer), the units shipping alone by the
    pricer."""
    prices = [
        catalog.prices(b, bn.weight)
        if catalog.pricer is not None
        else pricer(catalog.boxes[b].outer, Mass(catalog.boxes[b].tare_weight.ng + bn.weight))
        for b, bn in best.boxes
    ]
    return prices + [pricer(bx.outer, bx.gross_weight) for bx in boxes[len(best.boxes) :]]


def _priced(
    boxes: list[PackedBox], prices: list[ServicePrices] | None
) -> tuple[list[PackedBox], Decimal | None]:
    """Every box by the one service that ships them all cheapest (``prices``: each box's on
    every service): what the quote charges."""
    if prices is None or not boxes:
        return boxes, None
    chosen = one_service_total(prices)
    if chosen is None:
        return boxes, None
    total, s = chosen
    priced = [
        bx.model_copy(update={"shipping_cost": p[s]}) for bx, p in zip(boxes, prices, strict=True)
    ]
    return priced, total


def _why(reason: UnpackedReason, n_boxes: int) -> str:
    if reason == UnpackedReason.OUT_OF_STOCK:
        return "every box type that could take it is out of stock"
    if reason == UnpackedReason.TOO_LARGE:
        return f"larger than every box in the catalog ({n_boxes}) in every allowed orientation"
    return "heavier than any box that it fits can carry"


def _packed_box(catalog: Catalog, b: int, bn: Bin, units: list[Unit], g: int) -> PackedBox:
    box = catalog.boxes[b]
    placements = [
        Placement.model_construct(  # the fields are of their types already (no validation)
            sku=units[p.item.key].sku,
            unit=units[p.item.key].unit,
            x=Length(p.x * g),
            y=Length(p.y * g),
            z=Length(p.z * g),
            length=Length(p.dx * g),
            width=Length(p.dy * g),
            height=Length(p.dz * g),
        )
        for p in sorted(bn.placed, key=lambda p: (p.z, p.y, p.x))
    ]
    fill = Decimal(bn.volume) / Decimal(catalog.volume[b])
    return PackedBox(
        box=box.name,
        outer=box.outer,
        placements=placements,
        gross_weight=Mass(box.tare_weight.ng + bn.weight),
        fill_rate=fill.quantize(Decimal("0.0001")),
        box_cost=box.cost,
    )


def _own_box(unit: Unit) -> PackedBox:
    d = unit.item.dimensions
    zero = Length(0)
    return PackedBox(
        box=OWN_PACKAGING,
        outer=d,
        placements=[
            Placement(
                sku=unit.sku,
                unit=unit.unit,
                x=zero,
                y=zero,
                z=zero,
                length=d.length,
                width=d.width,
                height=d.height,
            )
        ],
        gross_weight=unit.item.weight,
        fill_rate=Decimal("1.0000"),
        box_cost=Decimal(0),
    )
