"""Each basket (SKUs and quantities) packed once per process: cost-aware cartonization priced on
one reference lane, so that one packing serves every order with that basket from any warehouse."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from decimal import Decimal

from shipopt.domain.batch import OrderLine, Sku
from shipopt.domain.packing import BoxType, Item, PackedBox, PackOptions, PackRequest
from shipopt.domain.parcel import Parcel
from shipopt.domain.plan import BoxLayout, PlanSettings
from shipopt.domain.quote import QuoteRequest
from shipopt.errors import InputError, Problem, ShipoptError
from shipopt.packing.cartonize import cartonize
from shipopt.packing.catalog import PriceMemo
from shipopt.packing.fill_memo import FillMemo
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.eligibility import ServicePlan, plan_services
from shipopt.pipeline.lane import Lane, resolve_lane
from shipopt.pipeline.quote import pack_items
from shipopt.units import NM_PER, Length

BasketKey = tuple[tuple[str, int], ...]


def _one_box_per_unit(items: list[Item], boxes: list[BoxType]) -> list[Parcel]:
    """The no-cartonization baseline: every unit alone in the smallest box that holds it."""
    parcels = []
    for item in items:
        single = item.model_copy(update={"quantity": 1})
        packed = cartonize(
            PackRequest(items=[single], boxes=boxes, options=PackOptions(objective="boxes"))
        )
        if packed.unpacked:
            raise InputError(Problem(f"sku {item.sku}", packed.unpacked[0].message))
        box = packed.boxes[0]
        parcels += [Parcel(dimensions=box.outer, weight=box.gross_weight)] * item.quantity
    return parcels


def _items(lines: tuple[OrderLine, ...], skus: dict[str, Sku]) -> list[Item]:
    return [
        Item(
            sku=ln.sku,
            dimensions=skus[ln.sku].dimensions,
            weight=skus[ln.sku].weight,
            quantity=ln.quantity,
            orientation=skus[ln.sku].orientation,
            fragile=skus[ln.sku].fragile,
            ships_alone=skus[ln.sku].ships_alone,
        )
        for ln in lines
    ]


# The lane every basket is packed on: Chicago to a home in Dallas, about 800 miles (a middle
# zone for every sample carrier).
REFERENCE_ORIGIN, REFERENCE_DESTINATION = "60601", "75201"


@dataclass(frozen=True)
class BasketPacking:
    """How one basket (SKUs and quantities) from one warehouse goes: box names and parcels."""

    boxes: tuple[str, ...]
    parcels: tuple[Parcel, ...]
    fill_rate: Decimal | None = None  # item volume over the boxes' inner volume
    layout: tuple[BoxLayout, ...] = ()  # the boxes with their units in place


@dataclass
class Baskets:
    """One process's memory of a plan's packing: each basket's packing (or why it cannot be
    packed), and the box-plus-shipping prices the packer asked for on the reference lane."""

    packings: dict[BasketKey, BasketPacking | str] = field(default_factory=dict)
    prices: PriceMemo = field(default_factory=dict)
    fills: FillMemo = field(default_factory=FillMemo)  # one-box fills, shared by every basket
    reference: QuoteRequest | None = None  # the first basket's reference request, a template
    services: tuple[Lane, list[ServicePlan]] | None = None  # its lane and eligible services


def basket_key(lines: tuple[OrderLine, ...]) -> BasketKey:
    """The basket of ``lines``: quantity per SKU, in SKU order."""
    qty: dict[str, int] = {}
    for ln in lines:
        qty[ln.sku] = qty.get(ln.sku, 0) + ln.quantity
    return tuple(sorted(qty.items()))


def pack_basket(
    lines: tuple[OrderLine, ...],
    skus: dict[str, Sku],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings,
    cache: Baskets,
) -> BasketPacking | str:
    """The basket's boxes, or why it cannot be packed. Cartonization is cost-aware, priced on a
    reference lane (``REFERENCE_ORIGIN`` to a home at ``REFERENCE_DESTINATION``) rather than the
    order's own, so that one packing serves every order with the same basket, from any
    warehouse: a day repeats baskets a lot."""
    key = basket_key(lines)
    if key in cache.packings:
        return cache.packings[key]
    # the canonical basket (one line per SKU, in SKU order): the packer depends on item order,
    # so every order with this basket, in any process, gets the same packing
    items = _items(tuple(OrderLine(sku=sku, quantity=q) for sku, q in key), skus)
    result: BasketPacking | str
    try:
        if settings.strategy == "no-cartonization":
            parcels = _one_box_per_unit(items, boxes)
            result = BasketPacking(("unit box",) * len(parcels), tuple(parcels))
        else:
            reference = _reference_request(items, boxes, settings, cache)
            if cache.services is None:  # the same for every basket: only the items differ
                now = datetime.combine(settings.day, time(0), UTC)
                lane = resolve_lane(reference.shipment, ctx.directory, now)
                cache.services = (lane, plan_services(reference, ctx, lane)[0])
            lane, plans = cache.services
            # not rated here: the order's own lane is rated later
            _, packing = pack_items(reference, ctx, lane, plans, cache.prices, cache.fills)
            result = BasketPacking(
                tuple(b.box for b in packing.boxes),
                tuple(Parcel(dimensions=b.outer, weight=b.gross_weight) for b in packing.boxes),
                _fill(packing.boxes, boxes),
                tuple(box_layout(b, boxes) for b in packing.boxes),
            )
    except ShipoptError as exc:
        result = str(exc)
    cache.packings[key] = result
    return result


def without_layout(packing: BasketPacking | str) -> BasketPacking | str:
    """The packing without its layouts (what rating needs)."""
    if isinstance(packing, BasketPacking):
        return dataclasses.replace(packing, layout=())
    return packing


def _reference_request(
    items: list[Item], boxes: list[BoxType], settings: PlanSettings, cache: Baskets
) -> QuoteRequest:
    """The basket's request on the reference lane. Lane, boxes and options are the same for
    every basket of a plan: the first one is validated and kept, later ones copy it with their
    own (already validated) items."""
    if cache.reference is not None:
        shipment = cache.reference.shipment.model_copy(update={"items": items})
        return cache.reference.model_copy(update={"shipment": shipment})
    cache.reference = QuoteRequest.model_validate(
        {
            "shipment": {
                "origin": {"postal_code": REFERENCE_ORIGIN},
                "destination": {"postal_code": REFERENCE_DESTINATION, "residential": True},
                "ship_at": datetime.combine(settings.day, time(9)).isoformat(),
                "items": [i.model_dump() for i in items],
                "boxes": [b.model_dump() for b in boxes],
                "pack_options": PackOptions(
                    time_limit=settings.pack_time_limit,
                    seed=settings.seed,
                    max_starts=settings.pack_starts,
                    exact_check=settings.pack_exact,
                    extra_fills=settings.pack_extra,
                ).model_dump(),
            },
            "constraints": {"carriers": carriers_of(settings)},
        }
    )
    return cache.reference


_NM_PER_MM, _TENTH = NM_PER["mm"], Decimal("0.1")


def _mm(length: Length) -> Decimal:
    """``length.to("mm")`` to a tenth, without looking the unit up (millions of calls a day)."""
    return (Decimal(length.nm) / _NM_PER_MM).quantize(_TENTH)


def box_layout(packed: PackedBox, catalog: list[BoxType]) -> BoxLayout:
    """A packed box for the planner's 3D view: the type's inner size (the outer one for own
    packaging) and each unit's place and size, in millimetres."""
    kind = next((b for b in catalog if b.name == packed.box), None)
    inner = kind.inner if kind is not None else packed.outer
    return BoxLayout.model_construct(  # built of its types (no validation)
        box=packed.box,
        inner_mm=(_mm(inner.length), _mm(inner.width), _mm(inner.height)),
        units=[
            (p.sku, _mm(p.x), _mm(p.y), _mm(p.z), _mm(p.length), _mm(p.width), _mm(p.height))
            for p in packed.placements
        ],
    )


def _fill(packed: list[PackedBox], catalog: list[BoxType]) -> Decimal | None:
    """Volume-weighted fill: the units' volume over the boxes' inner volume, 4 places."""
    inner = {b.name: b.inner for b in catalog}
    total = used = 0
    for box in packed:
        d = inner.get(box.box)
        if d is None:
            continue
        room = d.length.nm * d.width.nm * d.height.nm
        total += room
        used += round(float(box.fill_rate) * room)
    return (Decimal(used) / Decimal(total)).quantize(Decimal("0.0001")) if total else None


def carriers_of(settings: PlanSettings) -> list[str] | None:
    """The one carrier of a ``single-carrier:<carrier>`` strategy (None: any carrier)."""
    strategy = settings.strategy
    return [strategy.split(":", 1)[1]] if strategy.startswith("single-carrier:") else None
